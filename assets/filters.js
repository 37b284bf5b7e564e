/* casesite: filters that narrow the list of case studies in place.
   Progressive enhancement: without this script the form stays hidden and the "Browse"
   links lead to the same lists as static pages. The chosen filters are kept in the
   address (?country=hu&year=2021), so a filtered list can be shared and bookmarked. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) return;
  var items = Array.prototype.slice.call(document.querySelectorAll(".cards__item"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var count = document.getElementById("listing-count");
  var none = document.getElementById("filters-none");
  var template = form.getAttribute("data-showing") || "";
  var original = count ? count.textContent : "";

  function chosen() {
    var values = {};
    selects.forEach(function (select) {
      if (select.value) values[select.name] = select.value;
    });
    return values;
  }

  function matches(item, values) {
    return Object.keys(values).every(function (kind) {
      var keys = (item.getAttribute("data-" + kind) || "").split(" ");
      return keys.indexOf(values[kind]) !== -1;
    });
  }

  function apply(updateAddress) {
    var values = chosen();
    var active = Object.keys(values).length > 0;
    var shown = 0;
    items.forEach(function (item) {
      var visible = matches(item, values);
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    if (none) none.hidden = shown > 0;
    if (count) {
      count.textContent = active
        ? template.replace("{shown}", shown.toLocaleString(document.documentElement.lang))
        : original;
    }
    if (updateAddress && window.history && window.history.replaceState) {
      var params = new URLSearchParams();
      Object.keys(values).forEach(function (kind) { params.set(kind, values[kind]); });
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }
  }

  // Start from the address, ignoring values that are not among the options.
  var params = new URLSearchParams(window.location.search);
  selects.forEach(function (select) {
    var wanted = params.get(select.name);
    if (!wanted) return;
    for (var i = 0; i < select.options.length; i += 1) {
      if (select.options[i].value === wanted) select.value = wanted;
    }
  });

  form.hidden = false;
  if (count) {
    count.setAttribute("role", "status");
    count.setAttribute("aria-live", "polite");
  }
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
  form.addEventListener("reset", function () {
    window.setTimeout(function () { apply(true); }, 0);
  });
  apply(false);
})();
