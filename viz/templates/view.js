// The page's behaviour. Every text that comes from the data is put on screen
// with textContent (or as a vis-network string title, which it shows as text).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  // Labels smaller than this on screen are not drawn (they appear as one zooms in).
  const LABEL_DRAWN_PX = 6;
  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges.map(function (edge, index) { return Object.assign({ id: index }, edge); }));
  const container = document.getElementById("network");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    physics: false,
    layout: { randomSeed: 42, improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 150, navigationButtons: false, keyboard: true },
    nodes: {
      font: { size: 16, face: "sans-serif", strokeWidth: 3, strokeColor: "#ffffff" },
      borderWidth: 1,
      scaling: { label: { drawThreshold: LABEL_DRAWN_PX } },
    },
    edges: {
      smooth: false,
      font: { size: 9, color: "#5a6776", strokeWidth: 2, strokeColor: "#ffffff", align: "middle" },
      arrows: { to: { enabled: true, scaleFactor: 0.5 } },
    },
  });

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  // A text in both languages; the page shows one or both (the language switch).
  function bi(tag, zh, en, className) {
    const node = el(tag, null, className);
    const a = el("span", zh);
    a.lang = "zh";
    const b = el("span", en);
    b.lang = "en";
    node.append(a, " ", b);
    return node;
  }

  // Under the network: the map (geographic view), the bands or panels, and the region flows as arcs.
  const mapDrawn = { polygons: 0 };
  const MAP_FILL = { beijing: "rgba(31,111,178,0.10)", tianjin: "rgba(232,119,34,0.10)", hebei: "rgba(46,147,60,0.08)" };
  function drawMap(ctx, scale) {
    let polygons = 0;
    data.map.forEach(function (area) {
      area.rings.forEach(function (ring) {
        ctx.beginPath();
        ctx.moveTo(ring[0], ring[1]);
        for (let i = 2; i < ring.length; i += 2) ctx.lineTo(ring[i], ring[i + 1]);
        ctx.closePath();
        if (area.level === "province") {
          ctx.fillStyle = MAP_FILL[area.province] || "rgba(0,0,0,0.05)";
          ctx.fill();
          ctx.lineWidth = 2.2 / scale;
          ctx.strokeStyle = "rgba(60,70,80,0.75)";
        } else {
          ctx.lineWidth = 0.8 / scale;
          ctx.strokeStyle = "rgba(90,103,118,0.55)";
        }
        ctx.stroke();
        polygons += 1;
      });
    });
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    const english = document.body.dataset.lang === "en";
    data.map.forEach(function (area) {
      const province = area.level === "province";
      ctx.font = (province ? "bold " + 20 / scale : 11 / scale) + "px sans-serif";
      ctx.fillStyle = province ? "rgba(29,39,51,0.45)" : "rgba(90,103,118,0.75)";
      ctx.fillText(english ? area.name_en : area.name_zh, area.label[0], area.label[1]);
    });
    ctx.textAlign = "start";
    ctx.textBaseline = "alphabetic";
    mapDrawn.polygons = polygons;
  }

  // The Jing-Jin-Ji links drawn, as one arc per pair of regions, as thick as it has links.
  const regionPoint = {};
  data.map.forEach(function (area) {
    if (area.level === "province") regionPoint[data.region_names[area.province]] = area.label;
  });
  function drawFlows(ctx, scale) {
    const counts = {};
    edges.get().forEach(function (e) {
      if (e.hidden || !e.cross || !nodes.get(e.from) || nodes.get(e.from).hidden || nodes.get(e.to).hidden) return;
      const pair = [data.details[e.from].region, data.details[e.to].region].sort().join("|");
      counts[pair] = (counts[pair] || 0) + 1;
    });
    Object.keys(counts).forEach(function (pair) {
      const ends = pair.split("|").map(function (r) { return regionPoint[r]; });
      if (!ends[0] || !ends[1]) return;
      const mx = (ends[0][0] + ends[1][0]) / 2, my = (ends[0][1] + ends[1][1]) / 2;
      const cx = mx - (ends[1][1] - ends[0][1]) * 0.2, cy = my + (ends[1][0] - ends[0][0]) * 0.2;
      ctx.beginPath();
      ctx.moveTo(ends[0][0], ends[0][1]);
      ctx.quadraticCurveTo(cx, cy, ends[1][0], ends[1][1]);
      ctx.lineWidth = (3 + 2.5 * counts[pair]) / scale;
      ctx.strokeStyle = "rgba(224,33,138,0.22)";
      ctx.stroke();
      ctx.font = "bold " + 16 / scale + "px sans-serif";
      ctx.fillStyle = "rgba(160,20,100,0.9)";
      ctx.textAlign = "center";
      ctx.fillText(String(counts[pair]), (mx + cx) / 2, (my + cy) / 2);
      ctx.textAlign = "start";
    });
    mapDrawn.flows = counts;
  }

  if (data.map.length || data.bands.length) {
    network.on("beforeDrawing", function (ctx) {
      const scale = network.getScale();
      if (data.map.length) drawMap(ctx, scale);
      data.bands.forEach(function (band, i) {
        ctx.fillStyle = data.map.length ? "rgba(255,255,255,0.8)" : i % 2 ? "rgba(46,147,60,0.05)" : "rgba(31,111,178,0.05)";
        ctx.fillRect(band.x0, band.y0, band.x1 - band.x0, band.y1 - band.y0);
        if (data.map.length) {
          ctx.lineWidth = 1 / scale;
          ctx.strokeStyle = "rgba(90,103,118,0.5)";
          ctx.strokeRect(band.x0, band.y0, band.x1 - band.x0, band.y1 - band.y0);
        }
        ctx.fillStyle = "rgba(29,39,51,0.6)";
        ctx.font = "bold " + 15 / scale + "px sans-serif";
        ctx.fillText(band.label, band.x0 + 10 / scale, band.y0 + 22 / scale);
      });
      if (data.map.length) drawFlows(ctx, scale);
    });
  }

  // Details of a node: names, kind, attributes, and the plan's words for it and its links.
  const panel = document.getElementById("details");
  const legendColour = {};
  data.legend.forEach(function (item) { legendColour[item.kind] = item.colour; });

  // The plan's words, or the curation note; and the row of an imported list it came from.
  function quoteBlock(section, quote, note, derivedFrom) {
    const wrap = el("div");
    if (quote) {
      if (section) wrap.appendChild(el("div", section, "section"));
      wrap.appendChild(el("blockquote", "“" + quote + "”"));
    } else if (note) {
      wrap.appendChild(el("div", note, "curated"));
    }
    if (derivedFrom) wrap.appendChild(el("div", "导入自 imported from: " + derivedFrom, "imported"));
    return wrap;
  }

  function showDetails(id) {
    const d = data.details[id];
    if (!d) return;
    panel.replaceChildren();
    panel.appendChild(el("h2", d.name_zh));
    panel.appendChild(el("p", d.name_en, "en"));
    const kind = el("span", d.kind_zh + " · " + d.kind_en, "kind");
    kind.style.background = legendColour[d.root] || "#777";
    panel.appendChild(kind);
    const dl = el("dl");
    function row(label, value) {
      if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return;
      dl.appendChild(Array.isArray(label) ? bi("dt", label[0], label[1]) : el("dt", label));
      dl.appendChild(el("dd", Array.isArray(value) ? value.join("、") : value));
    }
    row(["编号", "id"], d.id);
    row(["别名", "aliases"], d.aliases);
    row(["区域", "region"], d.region);
    Object.keys(d.attributes).forEach(function (key) { row(key, d.attributes[key]); });
    panel.appendChild(dl);
    if (d.quote || d.note || d.derived_from) {
      panel.appendChild(bi("h3", "规划原文", "In the plan"));
      panel.appendChild(quoteBlock(d.section, d.quote, d.note, d.derived_from));
    }
    if (d.links.length) {
      panel.appendChild(bi("h3", "关联 (" + d.links.length + ")", "Links (" + d.links.length + ")"));
      const list = el("ul");
      d.links.forEach(function (link) {
        const item = el("li");
        const arrow = link.direction === "out" ? "→ " : "← ";
        const head = el("button", arrow + link.label_zh + " " + link.other_name);
        head.type = "button";
        head.className = "link";
        head.addEventListener("click", function () { select(link.other); });
        item.appendChild(head);
        item.appendChild(quoteBlock(link.section, link.quote, link.note, link.derived_from));
        list.appendChild(item);
      });
      panel.appendChild(list);
    }
  }

  function select(id) {
    if (!nodes.get(id)) return;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 0.8), animation: false });
    showDetails(id);
  }

  network.on("click", function (params) {
    if (params.nodes.length) showDetails(params.nodes[0]);
  });

  // Search by name or alias.
  const search = document.getElementById("search");
  const results = document.getElementById("results");
  search.addEventListener("input", function () {
    results.replaceChildren();
    const text = search.value.trim().toLowerCase();
    if (!text) return;
    Object.keys(data.details).sort().forEach(function (id) {
      const d = data.details[id];
      const names = [d.id, d.name_zh, d.name_en].concat(d.aliases || []);
      if (results.childElementCount >= 30 || !names.some(function (n) { return String(n).toLowerCase().indexOf(text) >= 0; })) return;
      const option = el("button", d.name_en ? d.name_zh + " — " + d.name_en : d.name_zh);
      option.type = "button";
      option.setAttribute("role", "option");
      option.addEventListener("click", function () { results.replaceChildren(); select(id); });
      results.appendChild(option);
    });
  });

  // Filters by kind, domain and region.
  const kindBox = document.getElementById("kinds");
  const checks = {};
  data.legend.forEach(function (item) {
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = data.hide_kinds.indexOf(item.kind) < 0;
    box.value = item.kind;
    box.addEventListener("change", applyFilters);
    checks[item.kind] = box;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + item.label_zh));
    kindBox.appendChild(label);
  });
  const domainSelect = document.getElementById("domain");
  data.domains.forEach(function (domain) {
    const option = el("option", domain.name);
    option.value = domain.id;
    domainSelect.appendChild(option);
  });
  const regionSelect = document.getElementById("region");
  data.regions.forEach(function (region) {
    const option = el("option", region);
    option.value = region;
    regionSelect.appendChild(option);
  });
  domainSelect.addEventListener("change", applyFilters);
  regionSelect.addEventListener("change", applyFilters);
  document.getElementById("reset").addEventListener("click", function () {
    Object.keys(checks).forEach(function (kind) { checks[kind].checked = data.hide_kinds.indexOf(kind) < 0; });
    domainSelect.value = "";
    regionSelect.value = "";
    search.value = "";
    unlinkedBox.checked = !data.hide_unlinked;
    cityBox.checked = cityLinks.size === 0;
    results.replaceChildren();
    applyFilters();
  });

  function domainTree(root) {
    const tree = new Set([root]);
    let grew = true;
    while (grew) {
      grew = false;
      Object.keys(data.broader).forEach(function (child) {
        if (!tree.has(child) && tree.has(data.broader[child])) { tree.add(child); grew = true; }
      });
    }
    return tree;
  }

  function visibleIds() {
    const tree = domainSelect.value ? domainTree(domainSelect.value) : null;
    return Object.keys(data.details).filter(function (id) {
      const d = data.details[id];
      if (checks[d.root] && !checks[d.root].checked) return false;
      if (regionSelect.value && d.region !== regionSelect.value) return false;
      if (tree && !tree.has(id) && !d.domains.some(function (x) { return tree.has(x); })) return false;
      return true;
    });
  }

  // Entities without a link in the view (programmes, indicators the plan names alone) are hidden
  // until asked for: in an overview they would sit in rows below the network.
  const degree = {};
  nodes.getIds().forEach(function (id) { degree[id] = 0; });
  edges.get().forEach(function (e) { degree[e.from] += 1; degree[e.to] += 1; });
  const unlinked = nodes.getIds().filter(function (id) { return degree[id] === 0; });
  const unlinkedBox = document.getElementById("unlinked");
  unlinkedBox.parentElement.hidden = unlinked.length === 0 || unlinked.length === nodes.length;
  document.getElementById("unlinked-count").textContent = String(unlinked.length);
  unlinkedBox.checked = !data.hide_unlinked;
  unlinkedBox.addEventListener("change", applyFilters);

  // In an overview the links of Tianjin as a whole (the city itself at one end) would be drawn as a
  // starburst over everything: they wait behind their own box, counted apart.
  const cityLinks = new Set(edges.get().filter(function (e) {
    return data.hide_city && (e.from === data.hide_city || e.to === data.hide_city);
  }).map(function (e) { return e.id; }));
  const cityBox = document.getElementById("city-links");
  cityBox.parentElement.hidden = cityLinks.size === 0;
  document.getElementById("city-count").textContent = String(cityLinks.size);
  cityBox.checked = cityLinks.size === 0;
  cityBox.addEventListener("change", applyFilters);

  // At the initial zoom the labels of the most connected nodes are readable (LABELLED of them, at
  // least LABEL_PX on screen); the rest are drawn once zoomed in far enough, and named on hover.
  const LABELLED = 20;
  const LABEL_PX = 13;
  const BASE_FONT = 16;
  function labelTheMostConnected(shown) {
    const drawn = {};  // links drawn at each shown node
    shown.forEach(function (id) { drawn[id] = 0; });
    edges.get().forEach(function (e) {
      if (!e.hidden && shown.has(e.from) && shown.has(e.to)) { drawn[e.from] += 1; drawn[e.to] += 1; }
    });
    const ranked = Array.from(shown).filter(function (id) { return drawn[id] > 0; });
    ranked.sort(function (a, b) { return drawn[b] - drawn[a] || (a < b ? -1 : 1); });
    const top = new Set(ranked.slice(0, LABELLED));
    const size = Math.max(BASE_FONT, Math.ceil(LABEL_PX / network.getScale()));
    nodes.update(nodes.getIds().map(function (id) {
      return { id: id, font: { size: top.has(id) ? size : BASE_FONT } };
    }));
    network.redraw();
    separateLabels(ranked.slice(0, LABELLED));
  }

  // The smallest area of the map holding a point (districts and cities before provinces), or "".
  function inRing(x, y, ring) {
    let hit = false;
    for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
      const x1 = ring[i], y1 = ring[i + 1], x2 = ring[j], y2 = ring[j + 1];
      if ((y1 > y) !== (y2 > y) && x < x1 + (y - y1) * (x2 - x1) / (y2 - y1)) hit = !hit;
    }
    return hit;
  }
  const areaRings = {};
  data.map.forEach(function (area) { areaRings[area.name_zh] = area.rings; });
  function inArea(x, y, name) {
    return areaRings[name].some(function (ring) { return inRing(x, y, ring); });
  }
  // The nodes that stand for an area of the map (a province, district or city): they stay inside it.
  const homeArea = {};
  Object.keys(data.details).forEach(function (id) {
    const d = data.details[id];
    const name = [d.name_zh].concat(d.aliases || []).find(function (n) { return areaRings[n]; });
    if (name) homeArea[id] = name;
  });

  // Nudge the labelled nodes apart until their labels no longer overlap (the more connected of
  // two stays put): a few steps, each the smaller overlap of a pair, deterministic.
  function separateLabels(ranked) {
    const boxes = {};
    ranked.forEach(function (id) {
      const box = network.getBoundingBox(id);
      const at = network.getPositions([id])[id];
      boxes[id] = { area: homeArea[id], x: at.x, y: at.y, left: box.left - at.x, right: box.right - at.x, top: box.top - at.y, bottom: box.bottom - at.y };
    });
    for (let round = 0; round < 80; round++) {
      let moved = false;
      for (let i = 0; i < ranked.length; i++) {
        for (let j = i + 1; j < ranked.length; j++) {
          const a = boxes[ranked[i]], b = boxes[ranked[j]];
          const dx = Math.min(a.x + a.right, b.x + b.right) - Math.max(a.x + a.left, b.x + b.left);
          const dy = Math.min(a.y + a.bottom, b.y + b.bottom) - Math.max(a.y + a.top, b.y + b.top);
          if (dx <= 0 || dy <= 0) continue;
          // On the map a node moves only within its area; else the other of the pair moves.
          const pairs = [[a, b], [b, a]];
          for (let k = 0; k < 2; k++) {
            const fixed = pairs[k][0], mover = pairs[k][1];
            const to = dy < dx
              ? { x: mover.x, y: mover.y + (mover.y >= fixed.y ? 1 : -1) * (dy + 4) }
              : { x: mover.x + (mover.x >= fixed.x ? 1 : -1) * (dx + 4), y: mover.y };
            if (mover.area && !inArea(to.x, to.y, mover.area)) continue;
            mover.x = to.x;
            mover.y = to.y;
            moved = true;
            break;
          }
        }
      }
      if (!moved) break;
    }
    ranked.forEach(function (id) { network.moveNode(id, boxes[id].x, boxes[id].y); });
  }

  const count = document.getElementById("count");
  function applyFilters() {
    const shown = new Set(visibleIds());
    if (!unlinkedBox.checked) unlinked.forEach(function (id) { shown.delete(id); });
    nodes.update(nodes.getIds().map(function (id) { return { id: id, hidden: !shown.has(id) }; }));
    edges.update(edges.getIds().map(function (id) { return { id: id, hidden: !cityBox.checked && cityLinks.has(id) }; }));
    const edgeCount = edges.get().filter(function (e) { return !e.hidden && shown.has(e.from) && shown.has(e.to); }).length;
    count.replaceChildren(bi("span", shown.size + " 个节点 · " + edgeCount + " 条关联", shown.size + " nodes · " + edgeCount + " links"));
    if (shown.size) network.fit({ nodes: Array.from(shown), animation: false });
    labelTheMostConnected(shown);
    return { nodes: shown.size, edges: edgeCount };
  }

  // Legend: kinds, then the emphasised cross-region links.
  const legend = document.getElementById("legend");
  data.legend.forEach(function (item) {
    const entry = el("span");
    const glyph = el("span", item.glyph, "glyph");
    glyph.style.color = item.colour;
    entry.appendChild(glyph);
    entry.appendChild(bi("span", item.label_zh, item.label_en));
    legend.appendChild(entry);
  });
  const cross = el("span");
  const bar = el("span", "", "cross");
  bar.style.background = data.cross_colour;
  cross.appendChild(bar);
  cross.appendChild(bi("span", "跨京津冀区域的关联", "cross-region link"));
  legend.appendChild(cross);

  // The language of labels, legend, panel and controls: both (the default), Chinese or English.
  const lang = document.getElementById("lang");
  function applyLanguage() {
    document.body.dataset.lang = lang.value;
    const english = lang.value === "en";
    nodes.update(nodes.getIds().map(function (id) {
      const d = data.details[id];
      return { id: id, label: english && d && d.name_en ? d.name_en : (d ? d.name_zh : id) };
    }));
    edges.update(data.edges.map(function (edge, index) {
      return { id: index, label: english ? data.edge_labels[index].en : data.edge_labels[index].zh };
    }));
  }
  lang.addEventListener("change", applyLanguage);

  // Export of the view as drawn: PNG from the canvas, SVG redrawn from the same positions.
  function download(name, href) {
    const link = el("a");
    link.download = name;
    link.href = href;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }
  document.getElementById("export-png").addEventListener("click", function () {
    download("view.png", container.querySelector("canvas").toDataURL("image/png"));
  });
  document.getElementById("export-svg").addEventListener("click", function () {
    download("view.svg", "data:image/svg+xml;charset=utf-8," + encodeURIComponent(toSvg()));
  });
  function toSvg() {
    const NS = "http://www.w3.org/2000/svg";
    const scale = network.getScale();  // the labels the canvas draws at this zoom, the SVG writes
    const shownNodes = nodes.get({ filter: function (n) { return !n.hidden; } });
    const ids = new Set(shownNodes.map(function (n) { return n.id; }));
    const at = network.getPositions(Array.from(ids));
    const xs = Object.values(at).map(function (p) { return p.x; });
    const ys = Object.values(at).map(function (p) { return p.y; });
    const pad = 80;
    const x0 = Math.min.apply(null, xs.concat([0])) - pad, y0 = Math.min.apply(null, ys.concat([0])) - pad;
    const width = Math.max.apply(null, xs.concat([0])) - x0 + pad, height = Math.max.apply(null, ys.concat([0])) - y0 + pad;
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("xmlns", NS);
    svg.setAttribute("viewBox", [x0, y0, width, height].join(" "));
    svg.setAttribute("font-family", "sans-serif");
    function add(parent, tag, attributes, text) {
      const node = document.createElementNS(NS, tag);
      Object.keys(attributes).forEach(function (key) { node.setAttribute(key, String(attributes[key])); });
      if (text !== undefined) node.textContent = String(text);
      parent.appendChild(node);
      return node;
    }
    if (data.map.length) {
      const outlines = add(svg, "g", { "class": "map" });
      data.map.forEach(function (area) {
        const province = area.level === "province";
        area.rings.forEach(function (ring) {
          const points = [];
          for (let i = 0; i < ring.length; i += 2) points.push(ring[i] + "," + ring[i + 1]);
          add(outlines, "polygon", {
            points: points.join(" "),
            fill: province ? MAP_FILL[area.province] || "none" : "none",
            stroke: province ? "#3c4650" : "#5a6776",
            "stroke-width": (province ? 2.2 : 0.8) / scale,
          });
        });
        add(outlines, "text", { x: area.label[0], y: area.label[1], "font-size": (province ? 20 : 11) / scale, "text-anchor": "middle", fill: "#5a6776" }, area.name_zh);
      });
    }
    const lines = add(svg, "g", { "class": "links" });
    edges.get().forEach(function (e) {
      if (!ids.has(e.from) || !ids.has(e.to)) return;
      const colour = typeof e.color === "string" ? e.color : (e.color && e.color.color) || "#a9b1ba";
      add(lines, "line", { x1: at[e.from].x, y1: at[e.from].y, x2: at[e.to].x, y2: at[e.to].y, stroke: colour, "stroke-width": e.width || 1 });
    });
    const dots = add(svg, "g", { "class": "nodes" });
    shownNodes.forEach(function (n) {
      const colour = typeof n.color === "string" ? n.color : (n.color && n.color.background) || "#999999";
      add(dots, "circle", { cx: at[n.id].x, cy: at[n.id].y, r: n.size || 10, fill: colour });
      const size = (n.font && n.font.size) || 16;
      if (size * scale >= LABEL_DRAWN_PX) add(dots, "text", { x: at[n.id].x, y: at[n.id].y + (n.size || 10) + size, "font-size": size, "text-anchor": "middle" }, n.label);
    });
    return new XMLSerializer().serializeToString(svg);
  }

  applyLanguage();
  const initial = applyFilters();
  network.once("afterDrawing", function () { document.body.dataset.ready = "true"; });
  // For tests and for people at the console.
  window.kgView = { network: network, nodes: nodes, edges: edges, select: select, applyFilters: applyFilters, initial: initial, map: mapDrawn, homeArea: homeArea };
})();
