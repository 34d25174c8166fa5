// sitebot console: a chat page over /console/api. Cards arrive as neutral JSON and are drawn here.
"use strict";
const $ = (id) => document.getElementById(id);
const state = { user: null, chat: null, people: [], es: null, nodes: new Map() };

function newId() {
  return (window.crypto && crypto.randomUUID) ? crypto.randomUUID().replace(/-/g, "")
    : Date.now().toString(36) + Math.random().toString(36).slice(2);
}

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function md(text) {  // the small markdown subset cards use: **bold**, line breaks
  return esc(text).replace(/\*\*(.+?)\*\*/g, "<b>$1</b>");
}

function el(tag, cls, html) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (html !== undefined) node.innerHTML = html;
  return node;
}

function renderCard(card, message) {
  const box = el("div", "card c-" + (card.colour || "blue"));
  box.dataset.testid = "card";
  box.appendChild(el("h3", "", esc(card.title)));
  const body = el("div", "body");
  for (const block of card.blocks || []) {
    if (block.type === "fields") {
      const dl = el("dl", "fields");
      for (const f of block.items) {
        const wrap = el("div", f.short ? "" : "long");
        wrap.appendChild(el("dt", "", esc(f.label)));
        wrap.appendChild(el("dd", "", esc(f.value)));
        dl.appendChild(wrap);
      }
      body.appendChild(dl);
    } else if (block.type === "markdown") {
      body.appendChild(el("div", "md", md(block.text)));
    } else if (block.type === "note") {
      const note = el("div", "note", esc(block.text));
      note.dataset.testid = "card-note";
      body.appendChild(note);
    } else if (block.type === "progress") {
      body.appendChild(el("div", "md", esc(block.label) + " " + block.percent + "%"));
      body.appendChild(el("div", "bar", '<i style="width:' + Math.max(0, Math.min(100, block.percent)) + '%"></i>'));
    } else if (block.type === "image") {
      const img = el("img"); img.src = block.ref; img.alt = block.alt || ""; body.appendChild(img);
    }
  }
  box.appendChild(body);
  if ((card.actions || []).length) {
    const row = el("div", "actions");
    for (const a of card.actions) {
      if (a.type === "link") {
        const link = el("a", "", esc(a.label)); link.href = a.url; link.target = "_blank"; row.appendChild(link);
      } else {
        const btn = el("button", a.style || "default", esc(a.label));
        btn.type = "button";
        btn.onclick = () => press(message, a);
        row.appendChild(btn);
      }
    }
    box.appendChild(row);
  }
  return box;
}

function renderMessage(m) {
  const mine = m.sender === state.user;
  const wrap = el("div", "msg" + (mine ? " mine" : ""));
  wrap.dataset.id = m.id;
  wrap.dataset.testid = m.sender === "sitebot" ? "bot-message" : "user-message";
  wrap.appendChild(el("div", "who", esc(m.sender_name)));
  if (m.body.type === "card") wrap.appendChild(renderCard(m.body, m));
  else if (m.body.type === "file") {  // a file the bot sent (an import template): download it
    const link = el("a", "file", "📎 " + esc(m.body.name));
    link.href = "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64," + m.body.data;
    link.download = m.body.name; link.dataset.testid = "file";
    const bubble = el("div", "bubble"); bubble.appendChild(link); wrap.appendChild(bubble);
  } else if (m.body.recalled) {  // withdrawn by its author (撤回)
    wrap.appendChild(el("div", "bubble recalled", "（消息已撤回）"));
  } else {
    const bubble = el("div", "bubble", esc(m.body.text));
    if (mine) {  // 撤回, as on the platforms
      const undo = el("a", "recall", "撤回"); undo.href = "#"; undo.dataset.testid = "recall";
      undo.onclick = async (e) => { e.preventDefault();
        await post("/console/api/recall", { user: state.user, chat: state.chat, message_id: m.id, event_id: newId() }); };
      wrap.appendChild(undo);
    }
    for (const a of m.body.attachments || []) {
      if (a.kind === "image") { const img = el("img"); img.src = a.ref; img.alt = "photo"; bubble.appendChild(img); }
      if (a.kind === "file") bubble.appendChild(el("span", "file", "📎 " + esc(a.name || "file")));
      if (a.kind === "location") bubble.appendChild(el("span", "loc", "📍 " + esc(a.name || (a.latitude + ", " + a.longitude))));
    }
    wrap.appendChild(bubble);
  }
  return wrap;
}

function show(m) {
  const old = state.nodes.get(m.id);
  const node = renderMessage(m);
  if (old) { old.replaceWith(node); } else { $("messages").appendChild(node); }
  state.nodes.set(m.id, node);
  if (!old) $("messages").scrollTop = $("messages").scrollHeight;
}

function toast(t) {
  const box = $("toast");
  box.textContent = t.text; box.className = t.kind || "info"; box.hidden = false;
  clearTimeout(box._timer);
  box._timer = setTimeout(() => { box.hidden = true; }, 2500);
}

async function post(url, payload) {
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
  if (!res.ok) { toast({ text: "错误 " + res.status + ": " + (await res.text()), kind: "error" }); return null; }
  return res.json();
}

async function press(message, action) {
  const out = await post("/console/api/actions", { user: state.user, chat: state.chat, message_id: message.id,
    action: action.action, value: action.value, event_id: newId() });
  if (out && out.toast) toast(out.toast);
}

function query() { return "chat=" + encodeURIComponent(state.chat) + "&user=" + encodeURIComponent(state.user); }

async function connect() {
  if (state.es) state.es.close();
  state.nodes.clear(); $("messages").innerHTML = "";
  const es = new EventSource("/console/api/stream?" + query());
  state.es = es;
  es.addEventListener("message", (e) => show(JSON.parse(e.data).message));
  es.addEventListener("update", (e) => show(JSON.parse(e.data).message));
  const res = await fetch("/console/api/history?" + query());
  for (const m of (await res.json()).messages) show(m);
  document.body.dataset.ready = "1";
}

async function init() {
  const dir = await (await fetch("/console/api/directory")).json();
  state.people = dir.people;
  for (const p of dir.people) {
    const o = el("option", "", esc(p.name + (p.roles.length ? " · " + p.roles.join(",") : "") + (p.admin ? " · admin" : "")));
    o.value = p.id; $("who").appendChild(o);
  }
  const guest = el("option", "", "访客（未登记）/ guest"); guest.value = "u-guest"; $("who").appendChild(guest);
  for (const c of dir.chats) {
    const o = el("option", "", esc(c.title + " · " + c.project + " · " + (c.audience === "customer" ? "客户群" : "内部群")));
    o.value = c.id; $("chat").appendChild(o);
  }
  const dm = el("option", "", "与 sitebot 私聊 / direct"); dm.value = "dm"; $("chat").appendChild(dm);
  const params = new URLSearchParams(location.search);
  $("who").value = params.get("user") || localStorage.getItem("sitebot.user") || $("who").value;
  $("chat").value = params.get("chat") || localStorage.getItem("sitebot.chat") || $("chat").value;
  if (!$("who").value) $("who").selectedIndex = 0;
  if (!$("chat").value) $("chat").selectedIndex = 0;
  state.user = $("who").value; state.chat = $("chat").value;
  $("who").onchange = () => { state.user = $("who").value; localStorage.setItem("sitebot.user", state.user); connect(); };
  $("chat").onchange = () => { state.chat = $("chat").value; localStorage.setItem("sitebot.chat", state.chat); connect(); };
  $("photo").onchange = async () => {  // photos go with whatever is typed (or alone)
    const attachments = [];
    for (const file of $("photo").files) {
      const form = new FormData(); form.append("file", file);
      const res = await fetch("/console/api/upload", { method: "POST", body: form });
      if (!res.ok) { toast({ text: "上传失败 " + (await res.text()), kind: "error" }); return; }
      attachments.push({ kind: "image", ref: (await res.json()).ref });
    }
    $("photo").value = "";
    const text = $("text").value; $("text").value = "";
    await post("/console/api/messages", { user: state.user, chat: state.chat, text, attachments, event_id: newId() });
  };
  $("sheet").onchange = async () => {  // a filled-in import sheet, sent as a file message
    for (const file of $("sheet").files) {
      const form = new FormData(); form.append("file", file);
      const res = await fetch("/console/api/upload", { method: "POST", body: form });
      if (!res.ok) { toast({ text: "上传失败 " + (await res.text()), kind: "error" }); return; }
      const kept = await res.json();
      await post("/console/api/messages", { user: state.user, chat: state.chat, text: "",
        attachments: [{ kind: "file", ref: kept.ref, name: kept.name }], event_id: newId() });
    }
    $("sheet").value = "";
  };
  $("locate").onclick = async () => {  // the browser's position if it gives one, else the demo site
    const send = (lat, lng, name) => post("/console/api/messages", { user: state.user, chat: state.chat, text: "",
      attachments: [{ kind: "location", latitude: lat, longitude: lng, name }], event_id: newId() });
    if (navigator.geolocation) {
      navigator.geolocation.getCurrentPosition((p) => send(p.coords.latitude, p.coords.longitude, "当前位置"),
        () => send(30.2741, 120.1551, "滨江花园 5 号楼"), { timeout: 3000 });
    } else { send(30.2741, 120.1551, "滨江花园 5 号楼"); }
  };
  $("compose").onsubmit = async (e) => {
    e.preventDefault();
    const text = $("text").value;
    if (!text.trim()) return;
    $("text").value = "";
    await post("/console/api/messages", { user: state.user, chat: state.chat, text, event_id: newId() });
  };
  await connect();
}

init();
