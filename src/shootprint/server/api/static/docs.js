// The interactive documentation of the shootprint API: renders /api/v1/openapi.json and sends
// requests with the token typed in the page (kept in this tab's sessionStorage only).
"use strict";
(function () {
  const root = document.getElementById("api-docs");
  const specUrl = root.dataset.spec;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.append(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }

  function resolve(spec, schema) {
    let s = schema || {};
    for (let i = 0; i < 10 && s.$ref; i++) {
      s = s.$ref.replace(/^#\//, "").split("/").reduce((o, k) => (o || {})[k], spec) || {};
    }
    return s;
  }

  function typeOf(spec, schema) {
    const s = resolve(spec, schema);
    if (schema && schema.$ref) return schema.$ref.split("/").pop();
    if (s.anyOf) return s.anyOf.map((x) => typeOf(spec, x)).join(" | ");
    if (s.type === "array") return typeOf(spec, s.items) + "[]";
    return s.type || "any";
  }

  function example(spec, schema, depth) {
    const s = resolve(spec, schema);
    if (depth > 3) return null;
    if (s.default !== undefined) return s.default;
    if (s.type === "object" || s.properties) {
      const out = {};
      for (const name of s.required || []) out[name] = example(spec, (s.properties || {})[name], depth + 1);
      return out;
    }
    if (s.type === "array") return [];
    if (s.type === "integer" || s.type === "number") return 0;
    if (s.type === "boolean") return false;
    if (s.type === "string") return "";
    return {};
  }

  function fieldsTable(spec, schema) {
    const s = resolve(spec, schema);
    const props = s.properties || {};
    const required = new Set(s.required || []);
    const rows = Object.entries(props).map(([name, p]) =>
      el("tr", {}, el("td", {}, el("code", {}, name), required.has(name) ? " *" : ""),
        el("td", {}, typeOf(spec, p)), el("td", {}, resolve(spec, p).description || p.description || "")));
    if (!rows.length) return null;
    return el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "field"), el("th", {}, "type"),
      el("th", {}, "description"))), el("tbody", {}, ...rows));
  }

  function operation(spec, path, method, op) {
    const params = op.parameters || [];
    const body = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
    const inputs = {};
    const form = el("div", { class: "try" });
    for (const p of params) {
      if (p.in === "header") continue;
      const input = el("input", { name: p.name, placeholder: p.name + (p.required ? " (required)" : "") });
      inputs[p.name] = [p, input];
      form.append(el("label", {}, p.name + " (" + p.in + ") ", input));
    }
    const ifMatch = params.some((p) => p.name.toLowerCase() === "if-match") ?
      el("input", { name: "If-Match", placeholder: "If-Match (the ETag)" }) : null;
    if (ifMatch) form.append(el("label", {}, "If-Match ", ifMatch));
    const textarea = body ? el("textarea", { rows: "8", spellcheck: "false" }) : null;
    if (textarea) {
      textarea.value = JSON.stringify(example(spec, body.schema, 0), null, 2);
      form.append(el("label", {}, "body (JSON)"), textarea);
    }
    const out = el("pre", { class: "answer" });
    const send = el("button", { type: "button" }, "Send");
    send.addEventListener("click", async () => {
      let url = path;
      const query = new URLSearchParams();
      for (const [name, [p, input]] of Object.entries(inputs)) {
        if (!input.value) continue;
        if (p.in === "path") url = url.replace("{" + name + "}", encodeURIComponent(input.value).replace(/%3A/g, ":"));
        else if (p.in === "query") query.append(name, input.value);
      }
      const headers = { Accept: "application/json" };
      const token = sessionStorage.getItem("shootprint-token");
      if (token) headers.Authorization = "Bearer " + token;
      if (ifMatch && ifMatch.value) headers["If-Match"] = ifMatch.value;
      if (textarea) headers["Content-Type"] = "application/json";
      out.textContent = "…";
      try {
        const res = await fetch(url.replace(/\{[^}]+:path\}|\{[^}]+\}/g, "") + (query.toString() ? "?" + query : ""),
          { method: method.toUpperCase(), headers, body: textarea ? textarea.value : undefined });
        const text = await res.text();
        let shown = text;
        try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
        const etag = res.headers.get("ETag");
        out.textContent = res.status + " " + res.statusText + (etag ? "\nETag: " + etag : "") + "\n\n" + shown;
      } catch (err) {
        out.textContent = String(err);
      }
    });
    form.append(send, out);
    const responses = Object.entries(op.responses || {}).map(([status, r]) => {
      const content = r.content || {};
      const type = Object.keys(content)[0];
      return el("li", {}, el("code", {}, status), " " + (r.description || "") +
        (type ? " — " + type + (content[type].schema ? " " + typeOf(spec, content[type].schema) : "") : ""));
    });
    const details = el("details", { class: "op", id: op.operationId || (method + path) },
      el("summary", {}, el("span", { class: "method " + method }, method.toUpperCase()), " ",
        el("code", {}, path), " ", op.summary || ""),
      el("p", {}, op.description || ""),
      params.length ? el("h4", {}, "Parameters") : null,
      params.length ? el("ul", {}, ...params.map((p) => el("li", {}, el("code", {}, p.name), " (" + p.in +
        (p.required ? ", required" : "") + ") " + typeOf(spec, p.schema) + " " + (p.description || "")))) : null,
      body ? el("h4", {}, "Body") : null,
      body ? fieldsTable(spec, body.schema) : null,
      el("h4", {}, "Answers"), el("ul", {}, ...responses),
      el("h4", {}, "Try it"), form);
    return details;
  }

  async function main() {
    const spec = await (await fetch(specUrl)).json();
    root.replaceChildren();
    root.append(el("h1", {}, spec.info.title + " " + spec.info.version));
    for (const para of (spec.info.description || "").split("\n\n")) root.append(el("p", {}, para));
    const token = el("input", { type: "password", id: "token", placeholder: "sp_…", autocomplete: "off" });
    token.value = sessionStorage.getItem("shootprint-token") || "";
    token.addEventListener("change", () => sessionStorage.setItem("shootprint-token", token.value.trim()));
    root.append(el("p", {}, el("label", { for: "token" }, "API token (kept in this tab only): "), token),
      el("p", {}, el("a", { href: specUrl }, "OpenAPI description (JSON)")));
    const groups = {};
    for (const [path, item] of Object.entries(spec.paths || {})) {
      for (const [method, op] of Object.entries(item)) {
        const tag = (op.tags || ["other"])[0];
        (groups[tag] = groups[tag] || []).push(operation(spec, path, method, op));
      }
    }
    for (const [tag, ops] of Object.entries(groups)) root.append(el("h2", {}, tag), ...ops);
  }

  main().catch((err) => { root.append(el("p", { class: "problems" }, "Cannot load the description: " + err)); });
})();
