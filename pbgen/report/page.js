// The report page's only script, inline: sorting and filtering the table, the filtered totals
// (summed exactly, as integers of the smallest decimal), filtering the findings, opening and
// closing every group. It fetches nothing.
"use strict";
(function () {
  const table = document.getElementById("filings");
  const body = table.tBodies[0];
  const scale = Number(table.dataset.scale);

  // -- exact amounts ---------------------------------------------------------------------
  function units(text) {
    const negative = text.startsWith("-");
    const [whole, fraction = ""] = (negative ? text.slice(1) : text).split(".");
    const value = BigInt((whole || "0") + fraction.padEnd(scale, "0"));
    return negative ? -value : value;
  }
  function shown(value) {
    const negative = value < 0n;
    let digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
    let whole = scale ? digits.slice(0, -scale) : digits;
    let fraction = scale ? digits.slice(-scale) : "";
    while (fraction.length > 2 && fraction.endsWith("0")) fraction = fraction.slice(0, -1);
    whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (negative ? "-" : "") + whole + (fraction ? "." + fraction : "");
  }

  // -- filtering the table ---------------------------------------------------------------
  const text = document.getElementById("filter-text");
  const status = document.getElementById("filter-status");
  const year = document.getElementById("filter-year");
  function filter() {
    const words = text.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const sums = { budget: 0n, fiscal: 0n, other: 0n };
    let shownRows = 0;
    for (const row of body.rows) {
      const content = row.textContent.toLowerCase();
      const visible =
        words.every((word) => content.includes(word)) &&
        (!status.value || row.dataset.status === status.value) &&
        (!year.value || row.dataset.year === year.value);
      row.classList.toggle("hidden", !visible);
      if (visible) {
        shownRows += 1;
        if (row.dataset.status !== "无法读取") {
          for (const name of Object.keys(sums)) sums[name] += units(row.dataset[name]);
        }
      }
    }
    for (const name of Object.keys(sums)) {
      document.getElementById("filtered-" + name).textContent = shown(sums[name]);
    }
    document.getElementById("filtered-label").textContent = "筛选后合计（" + shownRows + " 份）";
    document.getElementById("filter-count").textContent =
      "显示 " + shownRows + " / " + body.rows.length + " 份";
  }
  for (const control of [text, status, year]) control.addEventListener("input", filter);

  // -- sorting -------------------------------------------------------------------------------
  const collator = new Intl.Collator("zh-CN", { numeric: true });
  for (const [column, header] of Array.from(table.tHead.rows[0].cells).entries()) {
    header.addEventListener("click", () => {
      const ascending = header.dataset.sortDir !== "asc";
      for (const other of table.tHead.rows[0].cells) delete other.dataset.sortDir;
      header.dataset.sortDir = ascending ? "asc" : "desc";
      const key = (row) => {
        const cell = row.cells[column];
        return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
      };
      const numeric = header.dataset.type === "number";
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const order = numeric ? Number(key(a)) - Number(key(b)) : collator.compare(key(a), key(b));
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  }

  // -- findings --------------------------------------------------------------------------------
  const findingFilter = document.getElementById("finding-filter");
  findingFilter.addEventListener("input", () => {
    const words = findingFilter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    for (const group of document.querySelectorAll("#by-department details.filing")) {
      let any = words.length === 0;
      for (const item of group.querySelectorAll("li.finding")) {
        const match = words.every((word) => item.textContent.toLowerCase().includes(word));
        item.classList.toggle("hidden", !match);
        any = any || match;
      }
      group.classList.toggle("hidden", !any);
      if (words.length) group.open = any;
    }
  });
  for (const button of document.querySelectorAll("button[data-toggle]")) {
    button.addEventListener("click", () => {
      const groups = document.querySelectorAll(button.dataset.toggle + " details");
      const open = Array.from(groups).some((group) => !group.open);
      for (const group of groups) group.open = open;
    });
  }
  // a link to a filing's findings opens them
  window.addEventListener("hashchange", () => {
    const target = document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") target.open = true;
  });

  filter();
})();
