// Mesure de la recherche d'un site construit, avec le script du site lui-même
// (static/recherche.js) exécuté par Node : pour chaque requête, depuis un cache vide,
// les octets chargés (bruts et compressés en gzip, comme un serveur les enverrait), le
// temps jusqu'aux dix premiers résultats prêts à afficher, puis le temps de la même
// requête une fois l'index en mémoire.
// Usage : node scripts/mesure-recherche.js DOSSIER_DU_SITE "requête" ["requête&axe=id"]…
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const zlib = require("zlib");

const site = path.resolve(process.argv[2]);
const requetes = process.argv.slice(3);

function contexte() {
  const charges = [];
  const ctx = { console, Promise, Set, Map, Math, JSON, URLSearchParams, setTimeout, clearTimeout };
  ctx.window = ctx;
  ctx.location = { protocol: "file:", search: "" };
  function executer(fichier) {
    const octets = fs.readFileSync(fichier);
    charges.push(octets);
    vm.runInContext(octets.toString("utf8"), ctx, { filename: fichier });
  }
  ctx.document = {
    readyState: "complete",
    currentScript: { src: "file://" + path.join(site, "static/recherche.js") },
    createElement: () => ({}),
    getElementById: () => null,
    addEventListener: () => {},
    head: {
      appendChild(balise) {
        const fichier = decodeURIComponent(balise.src.replace(/^file:\/\//, "").replace(/\?.*$/, ""));
        setImmediate(() => {
          try { executer(fichier); } catch (e) { balise.onerror && balise.onerror(e); }
        });
      },
    },
  };
  vm.createContext(ctx);
  executer(path.join(site, "static/recherche.js"));
  return { ctx, charges };
}

function filtres(texte) {
  const p = new URLSearchParams("q=" + texte);
  const f = Object.create(null);
  for (const [cle, valeur] of p) { if (cle !== "q") { (f[cle] = f[cle] || []).push(valeur); } }
  return { q: p.get("q"), f };
}

async function une(texte) {
  const { ctx, charges } = contexte();
  const { q, f } = filtres(texte);
  const api = ctx.jalonRecherche;
  const debut = process.hrtime.bigint();
  const reponse = await api.rechercher(q, { filtres: f, compter: Object.keys(f).length > 0 });
  await Promise.all(reponse.resultats.slice(0, 10).map((r) => api.document(r.doc)));
  const froid = Number(process.hrtime.bigint() - debut) / 1e6;
  const debutChaud = process.hrtime.bigint();
  await api.rechercher(q, { filtres: f, compter: Object.keys(f).length > 0 });
  const chaud = Number(process.hrtime.bigint() - debutChaud) / 1e6;
  const brut = charges.reduce((n, o) => n + o.length, 0);
  const gzip = charges.reduce((n, o) => n + zlib.gzipSync(o).length, 0);
  return { texte, resultats: reponse.resultats.length, fichiers: charges.length, brut, gzip, froid, chaud };
}

(async () => {
  for (const texte of requetes) {
    const m = await une(texte);
    console.log(
      `  « ${m.texte} » : ${m.resultats} résultats, ${m.fichiers} fichiers, ` +
      `${(m.brut / 1024).toFixed(0)} Ko (${(m.gzip / 1024).toFixed(0)} Ko gzip), ` +
      `${m.froid.toFixed(0)} ms depuis le disque, ${m.chaud.toFixed(1)} ms index chargé`
    );
  }
})();
