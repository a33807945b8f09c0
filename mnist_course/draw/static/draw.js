// Draw a digit: the canvas, the photo and the webcam all send one picture to POST /predict,
// where the learner's lesson 07 and model read it; the answer, the 28x28 image the model saw
// and the ten probabilities are shown here. Everything is served by `mnist-course draw`.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const pad = $("pad");
  const pen = pad.getContext("2d");
  const answer = $("answer");
  const timing = $("timing");
  const seen = $("seen");
  const bars = $("bars");
  const maxBytes = Number(document.body.dataset.maxBytes);
  const PEN_WIDTH = 26; // in canvas pixels (400 wide): a thick marker, as MNIST's strokes are
  const strokes = []; // each stroke a list of [x, y] points, so Undo can redraw the rest
  let stroke = null;

  // --- The ten bars, built once -------------------------------------------------------------
  const rows = [];
  for (let digit = 0; digit < 10; digit++) {
    const row = document.createElement("li");
    row.innerHTML = `<span class="digit">${digit}</span><span class="track" aria-hidden="true">` +
      `<span class="fill"></span></span><span class="value">–</span>`;
    bars.append(row);
    rows.push(row);
  }

  // --- Drawing with Pointer Events: mouse, finger and pen alike ----------------------------
  function paper() {
    pen.fillStyle = "#fff"; // dark ink on white paper, like a photo of a page
    pen.fillRect(0, 0, pad.width, pad.height);
    pen.strokeStyle = "#000";
    pen.lineWidth = PEN_WIDTH;
    pen.lineCap = "round";
    pen.lineJoin = "round";
  }

  function redraw() {
    paper();
    for (const points of strokes) line(points, 0);
  }

  function line(points, from) {
    pen.beginPath();
    const [x0, y0] = points[Math.max(0, from - 1)];
    pen.moveTo(x0, y0);
    for (let i = Math.max(1, from); i < points.length; i++) pen.lineTo(points[i][0], points[i][1]);
    if (points.length === 1) pen.lineTo(x0 + 0.01, y0); // a dot
    pen.stroke();
  }

  function where(event) {
    const box = pad.getBoundingClientRect();
    return [(event.clientX - box.left) * (pad.width / box.width),
            (event.clientY - box.top) * (pad.height / box.height)];
  }

  pad.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    stroke = [where(event)];
    strokes.push(stroke);
    line(stroke, 0);
  });

  pad.addEventListener("pointermove", (event) => {
    if (!stroke) return;
    const from = stroke.length;
    const moves = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const move of moves.length ? moves : [event]) stroke.push(where(move));
    line(stroke, from);
  });

  function endStroke() {
    if (!stroke) return;
    stroke = null;
    readDrawing("stroke");
  }
  pad.addEventListener("pointerup", endStroke);
  pad.addEventListener("pointercancel", endStroke);

  function undo() {
    strokes.pop();
    redraw();
    if (strokes.length) readDrawing("undo");
    else reset("Draw a digit to begin.");
  }
  $("undo").addEventListener("click", undo);
  $("clear").addEventListener("click", () => {
    strokes.length = 0;
    redraw();
    reset("Draw a digit to begin.");
  });
  $("read").addEventListener("click", () => readDrawing("button"));
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z"
        && !event.target.closest("input, textarea")) {
      event.preventDefault();
      undo();
    }
  });

  function readDrawing() {
    const empty = strokes.length === 0;
    send("canvas", async () => pictureOf(pad, "image/png"), empty ? " The canvas is empty: draw a digit first." : "");
  }

  // toDataURL, not toBlob: Chromium encodes toBlob in idle time, which on a busy machine
  // came up to a second late; a drawing's PNG is a few KB, encoded at once.
  function pictureOf(canvas, type, quality) {
    const bytes = atob(canvas.toDataURL(type, quality).split(",")[1]);
    const data = new Uint8Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) data[i] = bytes.charCodeAt(i);
    return new Blob([data], { type });
  }

  // --- One request at a time: a stroke drawn while the model reads waits, and only the ----
  // --- latest drawing is sent, so the answer never lags behind the pen. -------------------
  let busy = false;
  let waiting = null;
  let generation = 0; // Clear and Undo-to-empty start a new one: older answers are not shown

  function send(source, picture, note = "") {
    const job = { source, picture, note, generation, started: performance.now() };
    if (busy) {
      waiting = job;
    } else {
      run(job);
    }
    document.body.dataset.busy = "true";
  }

  async function run(job) {
    busy = true;
    let result;
    try {
      const blob = await job.picture();
      job.sent = performance.now();
      const response = await fetch(`/predict?source=${job.source}`, {
        method: "POST",
        headers: { "Content-Type": blob.type || "application/octet-stream" },
        body: blob,
      });
      result = await response.json().catch(() => ({ error: `the server answered ${response.status}.` }));
      job.answered = performance.now();
    } catch (error) {
      result = { error: "The course's server does not answer: is `mnist-course draw` still running?" };
    }
    if (waiting) {
      // A newer picture is waiting: show nothing stale, read that one now.
      const next = waiting;
      waiting = null;
      run(next);
      return;
    }
    if (job.generation !== generation) { /* cleared meanwhile */ }
    else if (result.error) showError(sentence(result.error) + job.note);
    else showAnswer(result);
    answer.dataset.count = String(Number(answer.dataset.count) + 1);
    // Latency from the stroke's end to the answer on screen: measured at the next frame.
    requestAnimationFrame(() => {
      const ms = Math.round(performance.now() - job.started);
      answer.dataset.latencyMs = String(ms);
      // Where the time went, for bench/draw_latency.py: picture encoded, answer back, on screen.
      answer.dataset.timing = [job.sent, job.answered, performance.now()]
        .map((t) => Math.round(t - job.started)).join(" ");
      if (!result.error) timing.textContent = `Answered ${ms} ms after you lifted the pen.`;
      busy = false;
      if (!waiting) document.body.dataset.busy = "false";
      else { const next = waiting; waiting = null; run(next); }
    });
  }

  // --- Showing the answer ---------------------------------------------------------------------
  function percent(p) {
    return p >= 0.995 ? "100%" : p < 0.005 && p > 0 ? "<1%" : `${Math.round(p * 100)}%`;
  }

  function showAnswer(result) {
    const p = result.probabilities;
    const top = p.indexOf(Math.max(...p));
    answer.dataset.state = "answer";
    answer.innerHTML = "";
    if (result.digit === null) {
      // Two digits share the top score: the model has no answer.
      delete answer.dataset.digit;
      const tied = p.map((value, digit) => (value === p[top] ? digit : null)).filter((d) => d !== null);
      answer.append(`Your model cannot choose between ${tied.join(" and ")}.`);
    } else {
      answer.dataset.digit = String(result.digit);
      answer.append("Your model reads ");
      const big = document.createElement("strong");
      big.textContent = String(result.digit);
      answer.append(big, ` (${percent(p[result.digit])} sure).`);
    }
    seen.src = result.image;
    seen.alt = "The 28x28 image your model saw: white strokes on black";
    seen.hidden = false;
    rows.forEach((row, digit) => {
      row.querySelector(".fill").style.width = `${(p[digit] * 100).toFixed(1)}%`;
      row.querySelector(".value").textContent = percent(p[digit]);
      row.classList.toggle("top", p[digit] === p[top]);
      row.setAttribute("aria-label", `${digit}: ${percent(p[digit])}`);
    });
  }

  function sentence(text) {
    const capital = text.charAt(0).toUpperCase() + text.slice(1);
    return /[.!?]$/.test(capital) ? capital : `${capital}.`;
  }

  function showError(message) {
    answer.dataset.state = "error";
    delete answer.dataset.digit;
    answer.textContent = message;
    clearBars();
  }

  function reset(message) {
    generation++;
    waiting = null; // a drawing that was waiting to be sent is gone
    answer.dataset.state = "waiting";
    delete answer.dataset.digit;
    answer.textContent = message;
    clearBars();
  }

  function clearBars() {
    timing.textContent = "";
    seen.hidden = true;
    rows.forEach((row) => {
      row.querySelector(".fill").style.width = "0";
      row.querySelector(".value").textContent = "–";
      row.classList.remove("top");
      row.removeAttribute("aria-label");
    });
  }

  // --- A photo: chosen or dropped -------------------------------------------------------------
  const photo = $("photo");
  const drop = $("drop");

  function sendFile(file) {
    if (!file) return;
    if (file.size > maxBytes) {
      showError(`${file.name} is ${(file.size / 1e6).toFixed(1)} MB: the limit is ` +
                `${Math.round(maxBytes / 1e6)} MB. Use a smaller picture (a crop of the digit is best).`);
      return;
    }
    showPhoto(file);
    send("file", async () => file);
  }

  function showPhoto(blob) {
    if (photo.src) URL.revokeObjectURL(photo.src);
    photo.src = URL.createObjectURL(blob);
    photo.hidden = false;
  }

  $("file").addEventListener("change", (event) => sendFile(event.target.files[0]));
  // A picture dropped anywhere on the page is read (never opened in place of the page).
  document.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  document.addEventListener("dragleave", () => drop.classList.remove("over"));
  document.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    sendFile(event.dataTransfer.files[0]);
  });

  // --- The webcam (getUserMedia works on 127.0.0.1 and localhost) ----------------------------
  const video = $("video");
  const cameraPanel = $("camera-panel");
  let camera = null;

  $("camera").addEventListener("click", async () => {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      showError("This browser offers no webcam to this page.");
      return;
    }
    try {
      camera = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (error) {
      showError(`The webcam did not start (${error.name}): allow the camera for this page, or choose a photo instead.`);
      return;
    }
    video.srcObject = camera;
    cameraPanel.hidden = false;
  });
  video.addEventListener("playing", () => {
    $("snap").disabled = false;
    $("snap").focus();
  });

  $("snap").addEventListener("click", () => {
    if (!video.videoWidth) return;
    const frame = document.createElement("canvas");
    frame.width = video.videoWidth;
    frame.height = video.videoHeight;
    frame.getContext("2d").drawImage(video, 0, 0);
    const blob = pictureOf(frame, "image/jpeg", 0.92);
    showPhoto(blob);
    send("camera", async () => blob);
  });

  $("camera-off").addEventListener("click", () => {
    if (camera) camera.getTracks().forEach((track) => track.stop());
    camera = null;
    video.srcObject = null;
    $("snap").disabled = true;
    cameraPanel.hidden = true;
    $("camera").focus();
  });

  redraw();
})();
