// Search in the static copy of the site. A kreiskom server answers
// /suche itself and this script does nothing; a copy on a plain web
// server has only the page and its index file (suche/index.json), which
// lists each word (folded and stemmed as the server's index does) with
// the documents it occurs in. A visitor's word matches an indexed word
// that it begins with ("partnerschaften" finds "partnerschaft") or that
// begins with it (a word typed in part).
(function () {
  'use strict';
  var results = document.getElementById('suchergebnisse');
  var form = document.querySelector('form[data-index]');
  if (!results || !form || results.getAttribute('data-state') !== 'leer') return;
  var params = new URLSearchParams(window.location.search);
  var q = (params.get('q') || '').trim();
  if (!q) return;
  var art = params.get('art') || '';
  var jahr = (params.get('jahr') || '').trim();
  form.elements.q.value = q;
  form.elements.art.value = art;
  form.elements.jahr.value = jahr;

  var letters = { 'ß': 'ss', 'ł': 'l', 'ø': 'o', 'æ': 'ae', 'œ': 'oe', 'đ': 'd', 'ı': 'i', 'þ': 'th' };
  function fold(s) {
    return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .replace(/[ßłøæœđıþ]/g, function (c) { return letters[c]; });
  }
  function words(s) {
    return fold(s).split(/[^a-z0-9]+/).filter(function (w) { return w.length > 0; }).slice(0, 16);
  }

  function search(index, asked) {
    var terms = Object.keys(index.terms);
    var common = index.common || [];
    var score = null;
    asked.forEach(function (w) {
      // A word most documents have narrows nothing: it is left out.
      var everywhere = common.some(function (t) {
        return (t.length >= 3 && w.indexOf(t) === 0) || t === w;
      });
      if (everywhere) return;
      var here = {};
      terms.forEach(function (t) {
        var hit = (t.length >= 3 && w.indexOf(t) === 0) || (w.length >= 3 && t.indexOf(w) === 0) || t === w;
        if (!hit) return;
        index.terms[t].forEach(function (d) {
          var title = fold(index.docs[d].t).indexOf(t) >= 0 ? 5 : 0;
          here[d] = Math.max(here[d] || 0, t.length + title);
        });
      });
      if (score === null) {
        score = here;
      } else {
        // Every word must occur.
        var both = {};
        Object.keys(score).forEach(function (d) {
          if (here[d] !== undefined) both[d] = score[d] + here[d];
        });
        score = both;
      }
    });
    return Object.keys(score || {})
      .map(function (d) { return { doc: index.docs[d], score: score[d] }; })
      .filter(function (h) {
        return (!art || h.doc.a === art) && (!jahr || String(h.doc.y) === jahr);
      })
      .sort(function (a, b) { return b.score - a.score || a.doc.t.localeCompare(b.doc.t, 'de'); });
  }

  function element(name, className, text) {
    var e = document.createElement(name);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function show(hits) {
    results.textContent = '';
    results.setAttribute('data-state', 'statisch');
    var count = element('p', 'kern-body search-count',
      hits.length.toLocaleString('de-DE') + ' Treffer für „' + q + '“' +
      (jahr ? ' aus dem Jahr ' + jahr : '') + '.');
    count.setAttribute('role', 'status');
    results.appendChild(count);
    if (!hits.length) {
      results.appendChild(element('p', 'kern-body',
        'Prüfen Sie die Schreibweise, versuchen Sie ein anderes oder allgemeineres Wort.'));
      return;
    }
    var list = element('ol', 'search-hits');
    hits.slice(0, 50).forEach(function (h) {
      var item = element('li', 'search-hit');
      var heading = element('h2', 'kern-heading-small');
      var link = element('a', 'kern-link', h.doc.t);
      link.href = h.doc.u;
      heading.appendChild(link);
      item.appendChild(heading);
      item.appendChild(element('p', 'kern-body kern-body--small search-hit__meta',
        h.doc.k + (h.doc.y ? ' · ' + h.doc.y : '')));
      item.appendChild(element('p', 'kern-body', h.doc.x));
      list.appendChild(item);
    });
    results.appendChild(list);
  }

  fetch(form.getAttribute('data-index'))
    .then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    })
    .then(function (index) { show(search(index, words(q))); })
    .catch(function () {
      results.textContent = '';
      results.appendChild(element('p', 'kern-body', 'Die Suche ist in dieser Kopie der Website gerade nicht verfügbar.'));
    });
})();
