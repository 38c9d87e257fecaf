// The dashboard in Telegram: the launch parameters are in the URL fragment (#tgWebAppData=…&
// tgWebAppThemeParams=…). The init data goes with every request, in a header; the server checks
// it and renders each page; this script only puts the page in place and follows its links.
(function () {
  "use strict";
  var launch = new URLSearchParams(window.location.hash.slice(1));
  var initData = launch.get("tgWebAppData") || "";
  var root = document.documentElement;
  var base = document.body.getAttribute("data-base") || "";
  var page = document.getElementById("page");

  function applyTheme(raw) {
    var theme = {};
    try { theme = JSON.parse(raw || "{}") || {}; } catch (error) { theme = {}; }
    Object.keys(theme).forEach(function (name) {
      var value = String(theme[name]);
      if (/^[a-z_]+$/.test(name) && /^#[0-9a-fA-F]{3,8}$/.test(value)) {
        root.style.setProperty("--tg-theme-" + name.replace(/_/g, "-"), value);
      }
    });
    var background = /^#([0-9a-fA-F]{6})$/.exec(theme.bg_color || "");
    if (background) {
      var n = parseInt(background[1], 16);
      var light = 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
      root.setAttribute("data-scheme", light < 128 ? "dark" : "light");
    }
  }

  function load(path, options) {
    options = options || {};
    options.headers = { "X-Telegram-Init-Data": initData };
    page.setAttribute("aria-busy", "true");
    return fetch(base + path, options)
      .then(function (response) {
        page.setAttribute("data-status", String(response.status));
        return response.text();
      })
      .then(function (html) {
        page.innerHTML = html;
        outward(page);
        page.removeAttribute("aria-busy");
        page.querySelectorAll("[data-load]").forEach(fill);
        window.scrollTo(0, 0);
      });
  }

  // Links into Telegram leave the dashboard's webview in place (the highlights' come as the
  // Monday message has them, without a target).
  function outward(root) {
    root.querySelectorAll("a[href^='https://t.me/']:not([target])").forEach(function (link) {
      link.setAttribute("target", "_blank");
      link.setAttribute("rel", "noopener");
    });
  }

  // A part of the page that costs more to read (the week's highlights) comes after the page,
  // with the same signed header; a refusal meanwhile is said in its place.
  function fill(part) {
    part.setAttribute("aria-busy", "true");
    fetch(base + part.getAttribute("data-load"), { headers: { "X-Telegram-Init-Data": initData } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        part.innerHTML = html;
        outward(part);
        part.removeAttribute("aria-busy");
      });
  }

  // "Show more": the next rows, read with the same signed header, go under the ones shown; the
  // button is replaced by the next page's own (none after the last page).
  function more(button) {
    button.disabled = true;
    fetch(base + button.getAttribute("data-more"), { headers: { "X-Telegram-Init-Data": initData } })
      .then(function (response) {
        return response.text().then(function (html) { return { ok: response.ok, status: response.status, html: html }; });
      })
      .then(function (answer) {
        if (!answer.ok) {  // refused meanwhile (a day old, say): the page says why
          page.setAttribute("data-status", String(answer.status));
          page.innerHTML = answer.html;
          return;
        }
        var holder = document.createElement("div");
        holder.innerHTML = answer.html;
        var block = button.closest(".more");
        var list = block.previousElementSibling;
        holder.querySelectorAll("ul.list > li").forEach(function (item) { list.appendChild(item); });
        var next = holder.querySelector(".more");
        if (next) { block.replaceWith(next); } else { block.remove(); }
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-more]");
    if (button) {
      event.preventDefault();
      more(button);
      return;
    }
    var link = event.target.closest("a[data-view]");
    if (link) {
      event.preventDefault();
      load(link.getAttribute("data-view"));
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-action]");
    if (form) {
      event.preventDefault();
      var body = new URLSearchParams();
      form.querySelectorAll("input[name]").forEach(function (input) { body.append(input.name, input.value); });
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      load(form.getAttribute("data-action"), { method: "POST", body: body });
    }
  });

  applyTheme(launch.get("tgWebAppThemeParams"));
  load("/view/courses");
})();
