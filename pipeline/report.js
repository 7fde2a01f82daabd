/* The report's own script: draws the topic map, the words of the chosen topic with the relevance
 * slider, the talks (representative ones, search, one talk's view) and the chart over time, from
 * the JSON block #report-data. No library and no request: everything is in the page. */
(function () {
  'use strict';
  const D = JSON.parse(document.getElementById('report-data').textContent);
  const $ = (id) => document.getElementById(id);
  const K = D.k;
  const SVGNS = $('map').namespaceURI;
  const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#e15759',
    '#9c755f', '#ff9da7', '#bab0ac'];
  const NWORDS = 30;
  const color = (t) => PALETTE[t % PALETTE.length];
  const pct = (x, d) => (100 * x).toFixed(d) + '%';

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function sv(tag, attrs, text) {
    const e = document.createElementNS(SVGNS, tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }

  /* docs: [title, id, tokens, tags, [topic, thousandths, ...]]; the data block gives each id as
   * the length it shares with the one before and the rest */
  let prev = '';
  const docs = D.docs.map((d) => {
    prev = prev.slice(0, d[1]) + d[2];
    return [d[0], prev, d[3], d[4], d[5]];
  });
  const topicName = (t) => 'Topic ' + t;
  const topicWords = (t) => D.topics[t].label.join(', ');
  let selected = -1;

  /* ---------- map ---------- */
  function drawMap() {
    const svg = $('map');
    const W = 560, H = 460, pad = 14;
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    const maxShare = Math.max(...D.topics.map((t) => t.share), 1e-9);
    const rmax = Math.min(44, 200 / Math.sqrt(K));
    const rad = D.topics.map((t) => Math.max(9, rmax * Math.sqrt(t.share / maxShare)));
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    D.topics.forEach((t) => {
      x0 = Math.min(x0, t.x); x1 = Math.max(x1, t.x); y0 = Math.min(y0, t.y); y1 = Math.max(y1, t.y);
    });
    const span = Math.max(x1 - x0, y1 - y0, 1e-9);
    const inner = Math.min(W, H) - 2 * (pad + rmax);
    const scale = inner / span;
    const px = D.topics.map((t) => W / 2 + (t.x - (x0 + x1) / 2) * scale);
    const py = D.topics.map((t) => H / 2 - (t.y - (y0 + y1) / 2) * scale);
    spread(px, py, rad, W, H);
    svg.appendChild(sv('line', {class: 'axis', x1: 0, x2: W, y1: H / 2, y2: H / 2}));
    svg.appendChild(sv('line', {class: 'axis', x1: W / 2, x2: W / 2, y1: 0, y2: H}));
    /* labels always shown for the largest topics, on hover or focus for the rest */
    const order = D.topics.map((t, i) => i).sort((a, b) => D.topics[b].share - D.topics[a].share || a - b);
    const shown = new Set(order.slice(0, 15));
    D.topics.forEach((t, i) => {
      const g = sv('g', {class: 'topic', tabindex: 0, role: 'button', 'data-topic': i,
        'aria-label': topicName(i) + ', ' + pct(t.share, 1) + ' of words: ' + topicWords(i)});
      const x = px[i], y = py[i];
      g.appendChild(sv('title', {}, topicName(i) + ' (' + pct(t.share, 1) + '): ' + topicWords(i)));
      g.appendChild(sv('circle', {cx: x.toFixed(1), cy: y.toFixed(1), r: rad[i].toFixed(1), fill: color(i)}));
      g.appendChild(sv('text', {class: 'num', x: x.toFixed(1), y: y.toFixed(1)}, String(i)));
      g.appendChild(sv('text', {class: 'lab' + (shown.has(i) ? '' : ' faint'), x: x.toFixed(1),
        y: (y + rad[i] + 12).toFixed(1)}, t.label.join(' · ')));
      g.addEventListener('click', () => select(i, true));
      g.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(i, true); }
      });
      svg.appendChild(g);
    });
    /* the chosen topic is outlined on top of any circle that covers it; the circles themselves
     * stay in topic order, which is the keyboard's order */
    const ov = sv('g', {class: 'overlay', 'aria-hidden': 'true'});
    ov.appendChild(sv('circle', {class: 'ring', r: 0}));
    ov.appendChild(sv('text', {class: 'num'}));
    svg.appendChild(ov);
    mapPos = (i) => [px[i], py[i], rad[i]];
    const labelled = order.filter((i) => shown.has(i));
    placeLabels(svg, labelled, W, H);
    /* text measured before a font (often the CJK one) has loaded changes width when it loads */
    if (document.fonts) document.fonts.ready.then(() => placeLabels(svg, labelled, W, H));
  }
  let mapPos = null;

  /* Topics the scaling puts almost on one spot would hide each other's circle and number: pairs
   * that overlap by more than a third of the smaller radius are pushed apart along the line
   * between them, a little at a time, so near topics stay near; the same input gives the same
   * map. */
  function spread(px, py, rad, W, H) {
    for (let round = 0; round < 60; round++) {
      let moved = false;
      for (let i = 0; i < px.length; i++)
        for (let j = i + 1; j < px.length; j++) {
          let dx = px[j] - px[i], dy = py[j] - py[i];
          let d = Math.hypot(dx, dy);
          const want = rad[i] + rad[j] - Math.min(rad[i], rad[j]) / 3;
          if (d >= want) continue;
          if (d < 1e-6) { dx = 1; dy = 0; d = 1; } /* one spot: part them sideways */
          const push = (want - d) / 2 * 0.5;
          px[i] -= dx / d * push; py[i] -= dy / d * push;
          px[j] += dx / d * push; py[j] += dy / d * push;
          moved = true;
        }
      for (let i = 0; i < px.length; i++) { /* the circles stay on the map */
        px[i] = Math.min(W - rad[i], Math.max(rad[i], px[i]));
        py[i] = Math.min(H - rad[i], Math.max(rad[i], py[i]));
      }
      if (!moved) break;
    }
  }

  /* Near topics would print their labels over each other: each shown label, largest topic first,
   * goes to the first place by its circle (below, above, right or left at its middle or a line
   * off it, then further out below and above) that stays on the map, overlaps no label placed
   * before it and meets no other circle; where every such place meets one, to the place that
   * reaches least into circles. The browser measures the text, so Chinese and Latin labels are
   * sized alike. */
  function placeLabels(svg, idx, W, H) {
    const placed = [];
    const hit = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    /* how far a box reaches into a circle: the radius less the distance from the centre to the
     * box's nearest point, 0 when they do not meet */
    const depth = (c, b) => {
      const dx = Math.max(b.x - c.x, 0, c.x - b.x - b.w), dy = Math.max(b.y - c.y, 0, c.y - b.y - b.h);
      return Math.max(0, c.r - Math.hypot(dx, dy));
    };
    const circles = D.topics.map((t, i) => {
      const [x, y, r] = mapPos(i);
      return {x, y, r, i};
    });
    idx.forEach((i) => {
      const lab = svg.querySelector('.topic[data-topic="' + i + '"] .lab');
      const [x, y, r] = mapPos(i);
      /* from its first place, centred below the circle, so that placing again starts afresh */
      lab.setAttribute('x', x.toFixed(1));
      lab.setAttribute('y', (y + r + 12).toFixed(1));
      lab.style.textAnchor = '';
      const bb = lab.getBBox(), top = bb.y - parseFloat(lab.getAttribute('y'));
      /* a place: its baseline, its anchor (0 centred, 1 text starts right of the circle, -1
       * text ends left of it), and the box the text would fill */
      const place = (ty, side) => {
        const lx = side > 0 ? x + r + 4 : side < 0 ? x - r - 4 - bb.width : bb.x;
        return {ty, side, box: {x: lx, y: ty + top, w: bb.width, h: bb.height}};
      };
      const mid = y - top - bb.height / 2; /* baseline that centres the text on the circle */
      const places = [];
      for (let k = 0; k < 10; k++) {
        places.push(place(k % 2 ? y - r - 5 - 12 * (k >> 1) : y + r + 12 + 12 * (k >> 1), 0));
        if (k === 1)
          for (const dy of [0, -12, 12]) places.push(place(mid + dy, 1), place(mid + dy, -1));
      }
      /* the first place clear of other circles, else the one reaching least into them */
      let best = null, least = Infinity;
      for (const p of places) {
        const box = p.box;
        if (box.y < 0 || box.y + box.h > H || box.x < 0 || box.x + box.w > W ||
            placed.some((q) => hit(q, box)))
          continue;
        const into = circles.reduce((sum, c) => sum + (c.i !== i ? depth(c, box) : 0), 0);
        if (into < least) { best = p; least = into; }
        if (into === 0) break;
      }
      best = best || places[0];
      lab.setAttribute('y', best.ty.toFixed(1));
      if (best.side) {
        lab.setAttribute('x', (best.side > 0 ? x + r + 4 : x - r - 4).toFixed(1));
        lab.style.textAnchor = best.side > 0 ? 'start' : 'end';
      }
      placed.push(best.box);
    });
  }
  function drawOverlay() {
    const ov = $('map').querySelector('.overlay');
    if (!ov || selected < 0) return;
    const [x, y, r] = mapPos(selected);
    const ring = ov.querySelector('circle'), num = ov.querySelector('text');
    ring.setAttribute('cx', x.toFixed(1)); ring.setAttribute('cy', y.toFixed(1)); ring.setAttribute('r', r.toFixed(1));
    num.setAttribute('x', x.toFixed(1)); num.setAttribute('y', y.toFixed(1));
    num.textContent = String(selected);
  }

  /* ---------- words ---------- */
  const cftotal = D.cftotal;

  /* The topic's candidates by relevance lambda*log(phi) + (1-lambda)*log(phi/p), best first. */
  function ranked(t, lambda) {
    const c = D.topics[t].cand, out = [];
    for (let i = 0; i < c.length; i += 2) {
      const w = c[i], phi = c[i + 1], p = D.cf[w] / cftotal;
      out.push({w: w, phi: phi, s: lambda * Math.log(phi) + (1 - lambda) * Math.log(phi / p)});
    }
    out.sort((a, b) => b.s - a.s || a.w - b.w);
    return out.slice(0, NWORDS);
  }

  function drawWords() {
    const svg = $('bars');
    clear(svg);
    if (selected < 0) return;
    const lambda = parseFloat($('lambda').value);
    $('lambda-out').textContent = lambda.toFixed(2);
    const rows = ranked(selected, lambda), tok = D.topics[selected].tokens;
    const W = 560, left = 150, right = 70, rowH = 17, top = 4;
    const H = top + rows.length * rowH + 4;
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    const max = Math.max(1, ...rows.map((r) => D.cf[r.w]));
    const bw = (n) => Math.max(1, (W - left - right) * n / max);
    rows.forEach((r, i) => {
      const y = top + i * rowH, all = D.cf[r.w], est = Math.min(all, r.phi * tok);
      const g = sv('g', {class: 'row', 'data-word': D.words[r.w]});
      g.appendChild(sv('title', {}, D.words[r.w] + ': about ' + Math.round(est) + ' of its ' + all +
        ' uses are in this topic (p = ' + r.phi.toPrecision(3) + ')'));
      g.appendChild(sv('text', {class: 'w', x: left - 6, y: y + rowH - 5}, D.words[r.w]));
      g.appendChild(sv('rect', {class: 'all', x: left, y: y + 2, width: bw(all).toFixed(1), height: rowH - 4}));
      g.appendChild(sv('rect', {class: 'in', x: left, y: y + 2, width: bw(est).toFixed(1), height: rowH - 4}));
      g.appendChild(sv('text', {class: 'n', x: left + bw(all) + 4, y: y + rowH - 5}, Math.round(est) + ' / ' + all));
      svg.appendChild(g);
    });
    svg.setAttribute('aria-label', topicName(selected) + ' words: ' + rows.map((r) => D.words[r.w]).join(', '));
  }

  /* ---------- talks ---------- */
  function mixOf(d) {
    const m = docs[d][4], out = [];
    for (let i = 0; i < m.length; i += 2) out.push({t: m[i], w: m[i + 1] / 1000});
    return out.sort((a, b) => b.w - a.w || a.t - b.t);
  }
  function weightIn(d, t) {
    const m = docs[d][4];
    for (let i = 0; i < m.length; i += 2) if (m[i] === t) return m[i + 1] / 1000;
    return 0;
  }

  /* The summary's representative talks, then more ranked the same way: the topic's weight in the
   * talk, shrunk for short talks (weight * n / (n + 10)). */
  function representative(t, n) {
    const out = D.topics[t].docs.slice(0, n), seen = new Set(out), cand = [];
    for (let d = 0; d < docs.length && out.length < n; d++) {
      const w = weightIn(d, t);
      if (w >= 0.05 && !seen.has(d)) cand.push({d: d, s: w * docs[d][2] / (docs[d][2] + 10)});
    }
    cand.sort((a, b) => b.s - a.s || a.d - b.d);
    for (const c of cand) { if (out.length >= n) break; out.push(c.d); }
    return out;
  }

  function talkItem(d) {
    const li = el('li');
    const b = el('button', {class: 'link', type: 'button'}, docs[d][0] || docs[d][1]);
    b.addEventListener('click', () => showTalk(d));
    li.appendChild(b);
    if (docs[d][3].length) li.appendChild(el('span', {class: 'tags'}, ' — ' + docs[d][3].join(', ')));
    return li;
  }

  function listTalks(ids, note) {
    const ol = $('talk-list');
    clear(ol);
    const frag = document.createDocumentFragment();
    ids.forEach((d) => frag.appendChild(talkItem(d)));
    ol.appendChild(frag);
    $('talks-note').textContent = note;
  }

  function topicButton(t, text) {
    const b = el('button', {class: 'link', type: 'button'}, text);
    b.addEventListener('click', () => select(t, true));
    return b;
  }

  function showTalk(d) {
    const v = $('talk-view');
    clear(v);
    v.appendChild(el('h3', {}, docs[d][0] || docs[d][1]));
    v.appendChild(el('div', {class: 'hint'}, docs[d][1] + ' · ' + docs[d][2] + ' tokens'));
    if (K) {
      const mix = mixOf(d), bar = el('div', {class: 'mix', role: 'img',
        'aria-label': 'Topic mix: ' + mix.map((m) => topicName(m.t) + ' ' + pct(m.w, 0)).join(', ')});
      mix.forEach((m) => {
        const s = el('span', {title: topicName(m.t) + ' ' + pct(m.w, 0)});
        s.style.width = pct(m.w, 1);
        s.style.background = color(m.t);
        bar.appendChild(s);
      });
      v.appendChild(bar);
      const ul = el('ul', {class: 'mixlist'});
      mix.slice(0, 6).forEach((m) => {
        const li = el('li'), sw = el('span', {class: 'sw'});
        sw.style.background = color(m.t);
        li.appendChild(sw);
        li.appendChild(topicButton(m.t, topicName(m.t) + ' ' + pct(m.w, 0)));
        li.appendChild(document.createTextNode(' ' + topicWords(m.t)));
        ul.appendChild(li);
      });
      v.appendChild(ul);
    }
    if (docs[d][3].length) {
      const ul = el('ul', {class: 'chips', 'aria-label': 'Tags'});
      docs[d][3].forEach((g) => ul.appendChild(el('li', {}, g)));
      v.appendChild(ul);
    }
  }

  let lower = null;
  function search() {
    const q = $('q').value.trim().toLocaleLowerCase();
    if (!q) { showTopicTalks(); return; }
    if (!lower) lower = docs.map((d) => (d[0] + '\n' + d[3].join('\n')).toLocaleLowerCase());
    const hits = [];
    let n = 0;
    for (let d = 0; d < docs.length; d++)
      if (lower[d].includes(q)) { n++; if (hits.length < 60) hits.push(d); }
    listTalks(hits, n + (n === 1 ? ' talk matches' : ' talks match') + (n > hits.length ? ', the first ' + hits.length + ' shown' : ''));
  }

  function showTopicTalks() {
    if (selected < 0) {
      const n = Math.min(docs.length, 60);
      listTalks([...Array(n).keys()], n < docs.length ? 'The first ' + n + ' of ' + docs.length + ' talks; search to find others.' : docs.length + ' talks');
      return;
    }
    listTalks(representative(selected, 20), 'The talks most representative of ' + topicName(selected) + ' (' + topicWords(selected) + ')');
  }

  /* ---------- over time ---------- */
  function drawTime() {
    const T = D.time, svg = $('time');
    clear(svg);
    if (!T) {
      $('time-note').textContent = 'No talk carries a date (front matter, or a year such as 2019 or a date such as 2022-06-08 in its id or path), so there is no chart over time.';
      svg.style.display = 'none';
      return;
    }
    const P = T.periods.length;
    $('time-note').textContent = 'Each topic’s share of the words of each ' + T.unit + '; ' + T.dated + ' of ' +
      docs.length + ' talks carry a date (front matter, id or path). Darker is a larger share; click a row to choose its topic.';
    const left = 200, top = 190, cw = Math.max(14, Math.min(48, 700 / P)), rh = K > 30 ? 11 : 16;
    const W = left + P * cw + 10, H = top + K * rh + 40;
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    svg.style.maxWidth = W + 'px';
    let gmax = 1e-9;
    for (const row of T.share) for (const v of row) gmax = Math.max(gmax, v);
    /* the chosen topic's line */
    if (selected >= 0) {
      const row = T.share[selected];
      const lmax = Math.max(...row, 1e-9), y = (v) => 110 - 80 * v / lmax;
      const pts = row.map((v, p) => (left + (p + 0.5) * cw).toFixed(1) + ',' + y(v).toFixed(1)).join(' ');
      svg.appendChild(sv('text', {x: 4, y: 16}, topicName(selected) + ': share per ' + T.unit + ' (peak ' + pct(lmax, 1) + ')'));
      svg.appendChild(sv('polyline', {class: 'line', points: pts}));
      row.forEach((v, p) => {
        const c = sv('circle', {cx: (left + (p + 0.5) * cw).toFixed(1), cy: y(v).toFixed(1), r: 3, fill: '#c0392b'});
        c.appendChild(sv('title', {}, T.periods[p] + ': ' + pct(v, 1) + ' (' + T.talks[p] + ' talks)'));
        svg.appendChild(c);
      });
    }
    T.periods.forEach((lab, p) => {
      const x = left + (p + 0.5) * cw;
      svg.appendChild(sv('text', {x: x + 3, y: top - 4, transform: 'rotate(-60 ' + (x + 3) + ' ' + (top - 4) + ')'}, lab));
    });
    for (let t = 0; t < K; t++) {
      const g = sv('g', {class: 'row'}), y = top + t * rh;
      g.appendChild(sv('text', {x: left - 6, y: y + rh - 2, 'text-anchor': 'end'}, t + ' ' + topicWords(t)));
      T.share[t].forEach((v, p) => {
        const r = sv('rect', {class: 'cell', x: left + p * cw, y: y, width: cw - 1, height: rh - 1,
          fill: '#c0392b', 'fill-opacity': (0.04 + 0.96 * Math.sqrt(v / gmax)).toFixed(3)});
        r.appendChild(sv('title', {}, topicName(t) + ', ' + T.periods[p] + ': ' + pct(v, 1) + ' of ' + T.talks[p] + ' talks’ words'));
        g.appendChild(r);
      });
      g.addEventListener('click', () => select(t, false));
      svg.appendChild(g);
    }
    if (selected >= 0)
      svg.appendChild(sv('rect', {class: 'rowsel', x: 2, y: top + selected * rh - 1, width: W - 4, height: rh + 1}));
  }

  /* ---------- selection ---------- */
  function select(t, fromMap) {
    selected = t;
    document.querySelectorAll('#map .topic').forEach((g) => {
      const on = +g.getAttribute('data-topic') === t;
      g.classList.toggle('sel', on);
      g.setAttribute('aria-pressed', on ? 'true' : 'false');
    });
    drawOverlay();
    $('words-h').textContent = topicName(t) + ' (' + pct(D.topics[t].share, 1) + ' of words): ' + topicWords(t);
    drawWords();
    if (!$('q').value.trim()) showTopicTalks();
    drawTime();
    if (fromMap && history.replaceState) history.replaceState(null, '', '#topic-' + t);
  }

  let timer = 0;
  $('q').addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 120); });
  if (K) {
    $('lambda').addEventListener('input', drawWords);
    drawMap();
    const m = /^#topic-(\d+)$/.exec(location.hash);
    let first = m && +m[1] < K ? +m[1] : 0;
    if (!m) D.topics.forEach((t, i) => { if (t.share > D.topics[first].share) first = i; });
    select(first, false);
  } else {
    showTopicTalks();
  }
})();
