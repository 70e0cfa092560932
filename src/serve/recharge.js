// Injected by `jalon serve` only, never in a built site: reloads the page after each
// successful rebuild (keeping the scroll position) and shows build errors over the page.
(function () {
  "use strict";
  var cle = "jalon-defilement:" + location.pathname;
  var memoire = sessionStorage.getItem(cle);
  if (memoire) {
    sessionStorage.removeItem(cle);
    try {
      var position = JSON.parse(memoire);
      window.addEventListener("load", function () { window.scrollTo(position[0], position[1]); });
    } catch (e) { /* position illisible : on reste en haut */ }
  }

  var version = null;

  function appliquer(etat) {
    if (version !== null && etat.version !== version && !etat.erreurs) {
      sessionStorage.setItem(cle, JSON.stringify([window.scrollX, window.scrollY]));
      location.reload();
      return;
    }
    version = etat.version;
    afficherErreurs(etat.erreurs);
  }

  function afficherErreurs(erreurs) {
    var existant = document.getElementById("jalon-erreurs");
    if (existant) { existant.remove(); }
    if (!erreurs) { return; }
    var boite = document.createElement("div");
    boite.id = "jalon-erreurs";
    boite.setAttribute("role", "alert");
    boite.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;padding:2rem;font:16px/1.5 system-ui,sans-serif";
    var titre = document.createElement("h2");
    titre.textContent = "La construction du site a échoué";
    titre.style.cssText = "margin:0 0 1rem;color:#ffb4a9;font-size:1.4rem";
    var aide = document.createElement("p");
    aide.textContent = "Corrigez le fichier indiqué et enregistrez : la page se mettra à jour toute seule. " +
      (document.getElementById("jalon-sans-site")
        ? "Le site s'affichera dès que les erreurs seront corrigées."
        : "En attendant, la dernière version correcte du site reste affichée.");
    var detail = document.createElement("pre");
    detail.textContent = erreurs;
    detail.style.cssText = "white-space:pre-wrap;font:14px/1.45 ui-monospace,monospace;background:#000;padding:1rem;border-radius:4px";
    boite.append(titre, aide, detail);
    document.body.append(boite);
  }

  function sonder() {
    fetch("/__jalon/etat?page=" + encodeURIComponent(location.pathname), { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(appliquer)
      .catch(function () { /* serveur arrêté ou en redémarrage */ })
      .then(function () { setTimeout(sonder, 1000); });
  }

  if (!window.EventSource) { sonder(); return; }
  // The server renders the page a tab shows first, before the rest of the site.
  var flux = new EventSource("/__jalon/evenements?page=" + encodeURIComponent(location.pathname));
  flux.addEventListener("etat", function (e) { appliquer(JSON.parse(e.data)); });
  flux.onerror = function () {
    // The server closes extra streams (browsers allow few connections per host):
    // those tabs ask for the state every second instead.
    if (flux.readyState === EventSource.CLOSED) { sonder(); }
  };
})();
