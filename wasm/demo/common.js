// Shared by the demo pages (demo.js: digits, speech.js: keywords, text.js: intents).

export async function fetchBuffer(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** One bar per name in `container` (demo.css: .bar); returns show(values), which sets every bar
 * to its value (0..1, shown as a percentage), marks the largest and returns its index. */
export function scoreBars(container, names) {
  container.textContent = '';
  const rows = names.map((name) => {
    const row = document.createElement('div');
    row.className = 'bar';
    row.innerHTML = '<span></span><div class="track"><div class="fill"></div></div><span class="num">0.0%</span>';
    row.firstChild.textContent = name;
    container.appendChild(row);
    return { row, fill: row.querySelector('.fill'), num: row.querySelector('.num') };
  });
  return (values) => {
    let best = 0;
    for (let k = 1; k < rows.length; ++k) if (values[k] > values[best]) best = k;
    rows.forEach(({ row, fill, num }, k) => {
      const pct = `${(Math.min(Math.max(values[k], 0), 1) * 100).toFixed(1)}%`;
      row.classList.toggle('best', k === best);
      fill.style.width = pct;
      num.textContent = pct;
    });
    return best;
  };
}
