// Filtres du catalogue des pratiques : ils se combinent, s'appliquent tout de suite et
// sont écrits dans l'adresse de la page, pour qu'une vue filtrée se partage.
// Sans JavaScript, le formulaire reste caché et toutes les fiches sont listées par thème.
(function () {
  "use strict";
  var formulaire = document.getElementById("filtres");
  if (!formulaire) { return; }
  var selects = Array.prototype.slice.call(formulaire.querySelectorAll("select"));
  var cartes = Array.prototype.slice.call(document.querySelectorAll(".carte-pratique"));
  var groupes = Array.prototype.slice.call(document.querySelectorAll(".groupe-pratiques"));
  var compte = document.getElementById("filtres-compte");

  function garde(carte, select) {
    if (!select.value) { return true; }
    var valeurs = (carte.getAttribute("data-" + select.name) || "").split(" ");
    return valeurs.indexOf(select.value) !== -1;
  }

  function appliquer(ecrireAdresse) {
    // Une fiche à plusieurs thèmes a une carte sous chacun : on compte les fiches.
    var montrees = {};
    cartes.forEach(function (carte) {
      var montre = selects.every(function (select) { return garde(carte, select); });
      carte.hidden = !montre;
      if (montre) { montrees[carte.querySelector("a").getAttribute("href")] = true; }
    });
    var visibles = Object.keys(montrees).length;
    groupes.forEach(function (groupe) {
      groupe.hidden = !groupe.querySelector(".carte-pratique:not([hidden])");
    });
    compte.textContent = visibles === 0
      ? "Aucune fiche ne répond à tous ces filtres : retirez-en un."
      : visibles + (visibles > 1 ? " fiches affichées." : " fiche affichée.");
    if (ecrireAdresse) {
      var parametres = new URLSearchParams();
      selects.forEach(function (select) { if (select.value) { parametres.set(select.name, select.value); } });
      var requete = parametres.toString();
      history.replaceState(null, "", requete ? "?" + requete : location.pathname);
    }
  }

  var adresse = new URLSearchParams(location.search);
  selects.forEach(function (select) {
    var valeur = adresse.get(select.name);
    if (valeur && select.querySelector('option[value="' + CSS.escape(valeur) + '"]')) { select.value = valeur; }
    select.addEventListener("change", function () { appliquer(true); });
  });
  formulaire.addEventListener("reset", function () {
    setTimeout(function () { appliquer(true); }, 0);
  });
  formulaire.addEventListener("submit", function (e) { e.preventDefault(); });
  formulaire.hidden = false;
  appliquer(false);
})();
