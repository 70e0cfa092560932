// Recherche dans le site, entièrement dans le navigateur.
//
// L'index est écrit par « jalon build » dans recherche/ : de petits fichiers JavaScript
// qui appellent jalonRecherche(nom, données). Ils sont chargés par des balises <script>,
// ce qui marche aussi quand le site est ouvert depuis le disque (file://), où fetch() est
// refusé. Une requête ne charge que les morceaux dont elle a besoin.
//
// Les mots sont comparés sans majuscules ni accents ; la racine française de chaque mot
// (parentalité, parentales → parental) est calculée à la construction : le dictionnaire
// mots/N.js donne la racine de chaque mot du site, que l'on retrouve ici sans la recalculer.
//
// Les tables dont les clés viennent du contenu (mots, termes, valeurs de facettes) sont des
// Map, ou des objets sans prototype (Object.create(null)) quand elles sortent du script :
// dans un objet ordinaire, « constructor », « toString » ou « __proto__ » désignent ce que
// tout objet hérite, et un mot du site ainsi écrit cassait la recherche.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("Promise" in window)) { return; }
  var racine = script.src.replace(/static\/recherche\.js(?:[?#].*)?$/, "");
  var dossier = racine + "recherche/";
  var attentes = new Map();
  var version = "";

  function attente(nom) {
    if (!attentes.has(nom)) {
      var a = {};
      a.promesse = new Promise(function (ok, ko) { a.ok = ok; a.ko = ko; });
      attentes.set(nom, a);
    }
    return attentes.get(nom);
  }

  window.jalonRecherche = function (nom, donnees) { attente(nom).ok(donnees); };

  // Une requête restée sans réponse (serveur ou réseau défaillant) est refaite deux fois
  // au plus, sous une autre adresse pour ne pas attendre derrière la première.
  var PATIENCE = 3000;
  function charger(nom) {
    var a = attente(nom);
    if (!a.demande) {
      a.demande = true;
      var essai = 0;
      var recu = false;
      a.promesse.then(function () { recu = true; }, function () { recu = true; });
      var demander = function () {
        var balise = document.createElement("script");
        var parametres = [];
        if (version && location.protocol !== "file:") { parametres.push("v=" + version); }
        if (essai > 0) { parametres.push("essai=" + essai); }
        balise.src = dossier + nom + ".js" + (parametres.length ? "?" + parametres.join("&") : "");
        balise.onerror = function () { a.ko(new Error(nom)); };
        document.head.appendChild(balise);
        setTimeout(function () {
          if (!recu && essai < 2) { essai += 1; demander(); }
        }, PATIENCE);
      };
      demander();
    }
    return a.promesse;
  }

  var index = null;
  function chargerIndex() {
    if (!index) {
      index = charger("index").then(function (donnees) {
        version = donnees.version;
        donnees.vides = new Set(donnees.vides);
        return donnees;
      });
    }
    return index;
  }

  // --- Analyse de la requête, comme à la construction ---------------------------------

  function plier(texte) {
    return texte.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/œ/g, "oe").replace(/æ/g, "ae");
  }

  function mots(texte, vides) {
    var vus = [];
    plier(texte).split(/[^\p{L}\p{N}]+/u).forEach(function (mot) {
      if (mot && !vides.has(mot) && vus.indexOf(mot) === -1) { vus.push(mot); }
    });
    return vus;
  }

  // Le morceau d'une liste triée de débuts qui peut contenir « cle ».
  function morceau(debuts, cle) {
    var bas = 0, haut = debuts.length - 1;
    while (bas < haut) {
      var milieu = (bas + haut + 1) >> 1;
      if (debuts[milieu] <= cle) { bas = milieu; } else { haut = milieu - 1; }
    }
    return bas;
  }

  // Les entrées du dictionnaire autour de « cle » : son morceau, et le suivant pour
  // trouver les mots qui commencent par « cle ».
  function entrees(idx, cle, suivant) {
    var n = morceau(idx.mots, cle);
    var noms = ["mots/" + n];
    if (suivant && n + 1 < idx.mots.length) { noms.push("mots/" + (n + 1)); }
    return Promise.all(noms.map(charger)).then(function (listes) { return [].concat.apply([], listes); });
  }

  // trouve.termes : terme → facteur (Map).
  function ajouter(trouve, entree, facteur) {
    if (!(trouve.termes.get(entree[1]) >= facteur)) { trouve.termes.set(entree[1], facteur); }
    trouve.surfaces.push(entree[0]);
  }

  // Les mots du site qui commencent par « debut » (40 au plus), un peu moins pesants
  // que le mot exact.
  function commencantPar(trouve, liste, debut, mot) {
    liste.filter(function (e) { return e[0] !== mot && e[0].indexOf(debut) === 0; })
      .slice(0, 40).forEach(function (e) { ajouter(trouve, e, 0.7); });
  }

  function vide(trouve) { return !trouve.termes.size; }

  // Les termes d'un mot : le sien s'il est dans le site, et, pour le mot en cours de
  // frappe, ceux des mots qui commencent par lui. Un mot absent du site est raccourci de
  // trois lettres au plus pour retrouver ses voisins (« evaluations » → « evaluation »).
  function termes(idx, mot, prefixe) {
    return entrees(idx, mot, prefixe).then(function (liste) {
      var trouve = { termes: new Map(), surfaces: [] };
      liste.forEach(function (e) { if (e[0] === mot) { ajouter(trouve, e, 1); } });
      if (prefixe) { commencantPar(trouve, liste, mot, mot); }
      return vide(trouve) ? raccourci(idx, mot, mot.slice(0, -1)) : trouve;
    });
  }

  function raccourci(idx, mot, debut) {
    var trouve = { termes: new Map(), surfaces: [] };
    if (debut.length < Math.max(4, mot.length - 3)) { return Promise.resolve(trouve); }
    return entrees(idx, debut, true).then(function (liste) {
      commencantPar(trouve, liste, debut, mot);
      return vide(trouve) ? raccourci(idx, mot, debut.slice(0, -1)) : trouve;
    });
  }

  var decodes = new Map();
  function nombres(texte) {
    var sortie = [], valeur = 0, decalage = 0;
    for (var i = 0; i < texte.length; i += 1) {
      var c = texte.charCodeAt(i);
      var v = c >= 97 ? c - 71 : c >= 65 ? c - 65 : c >= 48 ? c + 4 : c === 45 ? 62 : 63;
      valeur += (v & 31) * Math.pow(2, decalage);
      if (v & 32) { decalage += 5; } else { sortie.push(valeur); valeur = 0; decalage = 0; }
    }
    return sortie;
  }

  // Un morceau des postings, en table terme → postings encodés ; le fichier les donne en
  // paires [terme, postings].
  var tables = new Map();
  function tableDesTermes(n) {
    if (!tables.has(n)) {
      tables.set(n, charger("termes/" + n).then(function (paires) { return new Map(paires); }));
    }
    return tables.get(n);
  }

  // Les documents d'un terme, en trois tableaux : document, poids, sections.
  function postings(idx, terme) {
    if (decodes.has(terme)) { return Promise.resolve(decodes.get(terme)); }
    return tableDesTermes(morceau(idx.termes, terme)).then(function (morceauTermes) {
      var n = nombres(morceauTermes.get(terme) || "");
      var taille = Math.floor(n.length / 3);
      var liste = { docs: new Int32Array(taille), poids: new Uint8Array(taille), sections: new Int32Array(taille) };
      var doc = 0;
      for (var i = 0; i < taille; i += 1) {
        doc += n[3 * i];
        liste.docs[i] = doc;
        liste.poids[i] = n[3 * i + 1];
        liste.sections[i] = n[3 * i + 2];
      }
      decodes.set(terme, liste);
      return liste;
    });
  }

  // Pour chaque valeur de facette (« axe=as2 »), ses documents, en liste et en tableau
  // d'appartenance (Map).
  var facettes = null;
  function chargerFacettes(idx) {
    if (!facettes) {
      facettes = charger("facettes").then(function (listes) {
        var noms = [idx.types].concat(idx.facettes);
        var parValeur = new Map();
        listes.forEach(function (valeurs, f) {
          valeurs.forEach(function (brut, v) {
            var liste = [], dedans = new Uint8Array(idx.documents), doc = 0;
            nombres(brut).forEach(function (ecart) { doc += ecart; liste.push(doc); dedans[doc] = 1; });
            parValeur.set(noms[f].id + "=" + noms[f].valeurs[v].id, { liste: liste, dedans: dedans });
          });
        });
        return parValeur;
      });
    }
    return facettes;
  }

  // Documents qui contiennent chaque mot de la requête (le dernier comme début de mot si
  // « prefixe »), classés : titre et sigles d'abord, puis le texte, pondéré par la rareté.
  // options.filtres : { facette: [valeurs] } ; la réponse donne dans « comptes » le nombre
  // de résultats de chaque « facette=valeur », dans un objet sans prototype.
  function rechercher(requete, options) {
    return chargerIndex().then(function (idx) {
      var liste = mots(requete, idx.vides);
      var filtres = options.filtres || Object.create(null);
      var actifs = Object.keys(filtres).filter(function (f) { return filtres[f].length; });
      var attenteFacettes = actifs.length || options.compter ? chargerFacettes(idx) : Promise.resolve(new Map());
      var attenteMots = Promise.all(liste.map(function (mot, i) {
        return termes(idx, mot, options.prefixe && i === liste.length - 1).then(function (t) {
          return Promise.all(Array.from(t.termes.keys(), function (terme) {
            return postings(idx, terme).then(function (p) { return { terme: terme, facteur: t.termes.get(terme), postings: p }; });
          })).then(function (parTerme) { return { surfaces: t.surfaces, parTerme: parTerme }; });
        });
      }));
      return Promise.all([attenteMots, attenteFacettes]).then(function (r) {
        return classer(idx, liste, r[0], r[1], filtres, actifs, options);
      });
    });
  }

  // Score de chaque document pour un mot : le meilleur de ses termes ; sections où il
  // apparaît.
  function scoresDuMot(idx, mot) {
    var n = idx.documents;
    var score = new Float64Array(n), sections = new Int32Array(n), vu = new Uint8Array(n);
    mot.parTerme.forEach(function (t) {
      var p = t.postings, df = p.docs.length;
      var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5)) * t.facteur;
      for (var i = 0; i < df; i += 1) {
        var d = p.docs[i], s = idf * p.poids[i];
        if (s > score[d]) { score[d] = s; }
        sections[d] |= p.sections[i];
        vu[d] = 1;
      }
    });
    return { score: score, sections: sections, vu: vu };
  }

  function classer(idx, liste, parMot, parValeur, filtres, actifs, options) {
    var n = idx.documents, total = null;
    var surlignes = [], racines = [];
    parMot.forEach(function (mot) {
      mot.parTerme.forEach(function (t) { racines.push(t.terme); });
      surlignes = surlignes.concat(mot.surfaces);
      var ici = scoresDuMot(idx, mot);
      if (total === null) { total = ici; return; }
      for (var d = 0; d < n; d += 1) {
        if (total.vu[d] && ici.vu[d]) { total.score[d] += ici.score[d]; total.sections[d] &= ici.sections[d]; } else { total.vu[d] = 0; }
      }
    });
    if (total === null) {
      total = { score: new Float64Array(n), sections: new Int32Array(n), vu: new Uint8Array(n) };
      if (actifs.length) { total.vu.fill(1); }
    }
    // Une facette garde les documents d'au moins une de ses valeurs cochées ; les
    // facettes se combinent entre elles.
    function garde(doc, sauf) {
      return actifs.every(function (f) {
        return f === sauf || filtres[f].some(function (v) {
          var valeur = parValeur.get(f + "=" + v);
          return valeur && valeur.dedans[doc];
        });
      });
    }
    var resultats = [];
    for (var d = 0; d < n; d += 1) {
      if (total.vu[d] && garde(d, null)) { resultats.push({ doc: d, score: total.score[d], sections: total.sections[d] }); }
    }
    resultats.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    var comptes = Object.create(null);
    if (options.compter) {
      parValeur.forEach(function (valeur, cle) {
        var facette = cle.split("=")[0], compte = 0;
        valeur.liste.forEach(function (doc) { if (total.vu[doc] && garde(doc, facette)) { compte += 1; } });
        comptes[cle] = compte;
      });
    }
    return { mots: liste, resultats: resultats, comptes: comptes, surlignes: surlignes, racines: racines, idx: idx };
  }

  function documentNumero(n) { return charger("doc/" + n); }

  // --- Présentation des résultats ------------------------------------------------------

  function surligner(reponse) {
    var exacts = new Set(reponse.surlignes);
    var racines = reponse.racines.filter(function (r) { return r.length >= 3; });
    return function (mot) {
      var plie = plier(mot);
      return exacts.has(plie) || racines.some(function (r) { return plie.indexOf(r) === 0; });
    };
  }

  // Un extrait d'une trentaine de mots autour de l'endroit où les mots cherchés sont le
  // plus serrés, avec ces mots en <mark>.
  function extrait(texte, trouve, conteneur) {
    var morceaux = texte.split(/([^\p{L}\p{N}]+)/u);
    var positions = [];
    for (var i = 0; i < morceaux.length; i += 2) { if (trouve(morceaux[i])) { positions.push(i); } }
    var largeur = 60, debut = 0, meilleur = -1;
    positions.forEach(function (p) {
      var n = positions.filter(function (q) { return q >= p && q < p + largeur; }).length;
      if (n > meilleur) { meilleur = n; debut = Math.max(0, p - 10); }
    });
    var fin = Math.min(morceaux.length, debut + largeur);
    if (debut > 0) { conteneur.appendChild(document.createTextNode("… ")); }
    for (var j = debut; j < fin; j += 1) {
      if (j % 2 === 0 && positions.indexOf(j) !== -1) {
        var marque = document.createElement("mark");
        marque.textContent = morceaux[j];
        conteneur.appendChild(marque);
      } else {
        conteneur.appendChild(document.createTextNode(morceaux[j]));
      }
    }
    if (fin < morceaux.length) { conteneur.appendChild(document.createTextNode(" …")); }
  }

  function element(nom, classe, texte) {
    var e = document.createElement(nom);
    if (classe) { e.className = classe; }
    if (texte) { e.textContent = texte; }
    return e;
  }

  function resultat(reponse, trouve, r, doc) {
    var li = element("li", "resultat");
    li.appendChild(element("p", "resultat-type", reponse.idx.types.valeurs[doc.type].libelle));
    var titre = element("h2", "resultat-titre");
    var lien = element("a", "", doc.titre);
    lien.href = racine + doc.url;
    titre.appendChild(lien);
    li.appendChild(titre);
    if (doc.fil) { li.appendChild(element("p", "resultat-fil", doc.fil)); }
    if (doc.texte && reponse.mots.length) {
      var p = element("p", "resultat-extrait");
      extrait(doc.texte, trouve, p);
      li.appendChild(p);
    }
    var sections = doc.sections.filter(function (s, i) { return i < 30 && r.sections & (1 << i); });
    if (sections.length && reponse.mots.length) {
      var ul = element("ul", "resultat-sections");
      sections.forEach(function (s) {
        var item = element("li");
        var a = element("a", "", s[0]);
        a.href = racine + doc.url + "#" + s[1];
        item.appendChild(a);
        if (s[2]) { var q = element("p", "resultat-extrait"); extrait(s[2], trouve, q); item.appendChild(q); }
        ul.appendChild(item);
      });
      li.appendChild(ul);
    }
    return li;
  }

  function pluriel(n, mot) { return n + " " + mot + (n > 1 ? "s" : ""); }

  // --- Page de recherche : requête et facettes dans l'adresse ---------------------------

  function pageDeRecherche() {
    var formulaire = document.getElementById("recherche-page");
    if (!formulaire) { return; }
    var champ = document.getElementById("recherche-requete");
    var etat = document.getElementById("recherche-etat");
    var liste = document.getElementById("recherche-resultats");
    var plus = document.getElementById("recherche-plus");
    var cases = Array.prototype.slice.call(formulaire.querySelectorAll("input[type=checkbox]"));
    var volet = document.getElementById("recherche-filtres");
    var actifs = document.getElementById("recherche-filtres-actifs");
    var parPage = 20, montres = 0, derniere = null, numero = 0;

    var adresse = new URLSearchParams(location.search);
    champ.value = adresse.get("q") || "";
    cases.forEach(function (c) { c.checked = adresse.getAll(c.name).indexOf(c.value) !== -1; });
    volet.open = cases.some(function (c) { return c.checked; });
    formulaire.hidden = false;

    function filtres() {
      var f = Object.create(null);
      cases.forEach(function (c) { if (c.checked) { (f[c.name] = f[c.name] || []).push(c.value); } });
      return f;
    }

    function ecrireAdresse() {
      var p = new URLSearchParams();
      if (champ.value.trim()) { p.set("q", champ.value.trim()); }
      cases.forEach(function (c) { if (c.checked) { p.append(c.name, c.value); } });
      var texte = p.toString();
      history.replaceState(null, "", texte ? "?" + texte : location.pathname);
    }

    function afficherSuite() {
      var reponse = derniere, debut = montres;
      var tranche = reponse.resultats.slice(debut, debut + parPage);
      montres += tranche.length;
      plus.hidden = montres >= reponse.resultats.length;
      return Promise.all(tranche.map(function (r) { return documentNumero(r.doc); })).then(function (docs) {
        if (reponse !== derniere) { return; }
        var trouve = surligner(reponse);
        docs.forEach(function (doc, i) { liste.appendChild(resultat(reponse, trouve, tranche[i], doc)); });
      });
    }

    function lancer() {
      ecrireAdresse();
      var requete = champ.value, f = filtres(), moi = ++numero;
      var coches = cases.filter(function (c) { return c.checked; }).length;
      actifs.textContent = coches > 1 ? "(" + coches + " filtres actifs)" : coches ? "(1 filtre actif)" : "";
      if (!requete.trim() && !Object.keys(f).length) {
        liste.textContent = "";
        plus.hidden = true;
        etat.textContent = "Saisissez un ou plusieurs mots, ou choisissez un filtre.";
        return;
      }
      rechercher(requete, { filtres: f, compter: true }).then(function (reponse) {
        if (moi !== numero) { return; }
        derniere = reponse;
        montres = 0;
        liste.textContent = "";
        cases.forEach(function (c) {
          var n = reponse.comptes[c.name + "=" + c.value] || 0;
          c.parentNode.querySelector(".facette-compte").textContent = "(" + n + ")";
          // Un filtre qui ne laisserait rien n'est pas un arrêt du clavier ; coché, il reste
          // utilisable, pour le décocher.
          c.disabled = n === 0 && !c.checked;
        });
        var n = reponse.resultats.length;
        var quoi = requete.trim() ? " pour «\u00a0" + requete.trim() + "\u00a0»" : "";
        etat.textContent = n ? pluriel(n, "résultat") + quoi + "."
          : requete.trim() && !reponse.mots.length
            ? "«\u00a0" + requete.trim() + "\u00a0» ne contient que des mots trop courants pour être cherchés (de, la, pour…) : ajoutez un mot plus précis."
            : "Aucun résultat" + quoi + ". Essayez moins de mots, ou retirez des filtres.";
        return afficherSuite();
      }).catch(function () {
        etat.textContent = "La recherche n'a pas pu charger son index.";
      });
    }

    formulaire.addEventListener("submit", function (e) { e.preventDefault(); lancer(); });
    cases.forEach(function (c) { c.addEventListener("change", lancer); });
    var minuterie = null;
    champ.addEventListener("input", function () { clearTimeout(minuterie); minuterie = setTimeout(lancer, 200); });
    plus.addEventListener("click", function () {
      var premier = liste.children.length;
      afficherSuite().then(function () {
        var lien = liste.children[premier] && liste.children[premier].querySelector("a");
        if (lien) { lien.focus(); }
      });
    });
    lancer();
  }

  // --- Champ de l'en-tête : liste de suggestions (motif ARIA combobox) ------------------

  function champRapide() {
    var formulaire = document.getElementById("recherche");
    var champ = document.getElementById("recherche-champ");
    var annonce = document.getElementById("recherche-annonce");
    if (!formulaire || !champ) { return; }
    var liste = element("ul", "recherche-suggestions");
    liste.id = "recherche-suggestions";
    liste.setAttribute("role", "listbox");
    liste.setAttribute("aria-label", "Suggestions");
    liste.hidden = true;
    formulaire.appendChild(liste);
    champ.setAttribute("role", "combobox");
    champ.setAttribute("aria-autocomplete", "list");
    champ.setAttribute("aria-controls", liste.id);
    champ.setAttribute("aria-expanded", "false");
    var options = [], active = -1, numero = 0, minuterie = null;

    function fermer() {
      liste.hidden = true;
      champ.setAttribute("aria-expanded", "false");
      activer(-1);
    }

    function ouvrir() {
      liste.hidden = false;
      champ.setAttribute("aria-expanded", "true");
    }

    function activer(i) {
      options.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0) { champ.setAttribute("aria-activedescendant", options[i].id); options[i].scrollIntoView({ block: "nearest" }); } else { champ.removeAttribute("aria-activedescendant"); }
    }

    function option(i, texte, detail, url) {
      var li = element("li", "suggestion");
      li.id = "suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.url = url;
      li.appendChild(element("span", "suggestion-titre", texte));
      if (detail) { li.appendChild(element("span", "suggestion-type", detail)); }
      li.addEventListener("mousedown", function (e) { e.preventDefault(); location.href = url; });
      return li;
    }

    function suggerer() {
      var requete = champ.value, moi = ++numero;
      if (requete.trim().length < 2) { fermer(); annonce.textContent = ""; return; }
      rechercher(requete, { prefixe: !/\s$/.test(requete) }).then(function (reponse) {
        var premiers = reponse.resultats.slice(0, 8);
        return Promise.all(premiers.map(function (r) { return documentNumero(r.doc); })).then(function (docs) {
          if (moi !== numero) { return; }
          liste.textContent = "";
          options = docs.map(function (doc, i) {
            var r = premiers[i], url = racine + doc.url;
            var section = doc.sections.findIndex(function (s, j) { return j < 30 && r.sections & (1 << j); });
            if (section !== -1 && reponse.mots.length) { url += "#" + doc.sections[section][1]; }
            return option(i, doc.titre, reponse.idx.types.valeurs[doc.type].libelle, url);
          });
          var tous = racine + "recherche.html?q=" + encodeURIComponent(requete.trim());
          options.push(option(options.length, "Tous les résultats pour «\u00a0" + requete.trim() + "\u00a0»", "", tous));
          options.forEach(function (o) { liste.appendChild(o); });
          ouvrir();
          activer(-1);
          var n = reponse.resultats.length;
          annonce.textContent = n ? pluriel(n, "résultat") + ", flèche bas pour les parcourir." : "Aucun résultat.";
        });
      }).catch(function () { fermer(); });
    }

    champ.addEventListener("input", function () { clearTimeout(minuterie); minuterie = setTimeout(suggerer, 120); });
    champ.addEventListener("keydown", function (e) {
      var ouverte = !liste.hidden && options.length;
      // Fermée par Échap, la liste se rouvre à la flèche, comme le veut le motif combobox.
      if (e.key === "ArrowDown" && !ouverte && options.length && champ.value.trim().length >= 2) { e.preventDefault(); ouvrir(); activer(0); }
      else if (e.key === "ArrowDown" && ouverte) { e.preventDefault(); activer((active + 1) % options.length); }
      else if (e.key === "ArrowUp" && ouverte) { e.preventDefault(); activer(active <= 0 ? options.length - 1 : active - 1); }
      else if (e.key === "Enter" && ouverte && active >= 0) { e.preventDefault(); location.href = options[active].dataset.url; }
      else if (e.key === "Escape") { if (ouverte) { e.preventDefault(); fermer(); } else { champ.value = ""; } }
    });
    champ.addEventListener("blur", function () { setTimeout(fermer, 150); });
  }

  // Pour les mesures (scripts/bench) et les extensions d'un thème.
  window.jalonRecherche.rechercher = rechercher;
  window.jalonRecherche.document = documentNumero;

  function demarrer() { champRapide(); pageDeRecherche(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", demarrer); } else { demarrer(); }
})();
