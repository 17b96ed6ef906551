// The size of an SMS text as it is typed, on the page that writes the system texts in a
// local language. The page works without it: Check and Save count on the server, exactly
// (look-alike characters replaced as sending does); this counts the same way for the usual
// cases, with the sample values in the placeholders.
(function () {
  "use strict";
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENSION = "\f^{}\\[~]|€";
  var LOOKALIKES = [[/[\u2018\u2019\u201a\u201b\u2032\u02bc`]/g, "'"],
    [/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"'],
    [/[\u2010-\u2015\u2212]/g, "-"], [/[\u00a0\u2002-\u200a\u202f\t]/g, " "],
    [/\u2026/g, "..."], [/[\u200b\u2060\ufeff\u00ad]/g, ""]];

  function isGsm(text) {
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (BASIC.indexOf(c) < 0 && EXTENSION.indexOf(c) < 0) { return false; }
    }
    return true;
  }

  function measure(text) {
    var plain = text;
    LOOKALIKES.forEach(function (pair) { plain = plain.replace(pair[0], pair[1]); });
    if (isGsm(plain)) { text = plain; }
    var gsm = isGsm(text);
    var units = 0;
    for (var i = 0; i < text.length; i++) {
      units += gsm && EXTENSION.indexOf(text.charAt(i)) >= 0 ? 2 : 1;
    }
    var single = gsm ? 160 : 70, per = gsm ? 153 : 67;
    return {encoding: gsm ? "GSM-7" : "UCS-2", units: units,
      segments: units <= single ? 1 : Math.ceil(units / per)};
  }

  document.addEventListener("DOMContentLoaded", function () {
    var area = document.querySelector("textarea[data-samples]");
    var line = document.getElementById("text-size");
    if (!area || !line || area.getAttribute("data-words")) { return; }
    var samples = JSON.parse(area.getAttribute("data-samples") || "{}");
    var template = line.getAttribute("data-template");
    area.addEventListener("input", function () {
      var filled = area.value.trim().replace(/%\((\w+)\)s/g, function (all, name) {
        return Object.prototype.hasOwnProperty.call(samples, name) ? samples[name] : all;
      });
      var size = measure(filled);
      line.textContent = template.replace("%(encoding)s", size.encoding)
        .replace("%(units)s", size.units).replace("%(segments)s", size.segments);
    });
  });
}());
