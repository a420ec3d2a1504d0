// Referral documents on a phone: "Ambil foto" (camera) and "Pilih berkas" (several at once)
// build one row per file with its kind and owner guessed from what is still missing; photos
// are shrunk before upload (long side 1600 px, JPEG 80%). Without this script, or in a browser
// that cannot set a file input's files, the form's plain rows work as they are.
(function () {
  "use strict";
  var LONG_SIDE = 1600;
  var QUALITY = 0.8;
  var MAX_ROWS = 20;
  var form = document.getElementById("doc-upload");
  if (!form || typeof DataTransfer !== "function" || !window.HTMLCanvasElement) { return; }
  try {
    new DataTransfer().items.add(new File([""], "uji.txt"));
  } catch (error) {
    return;
  }

  var rowsBox = form.querySelector("[data-doc-rows]");
  var firstRow = rowsBox.querySelector("[data-doc-row]");
  var submit = form.querySelector("[data-doc-submit]");
  if (!firstRow || !submit) { return; }
  var template = firstRow.cloneNode(true);
  var kinds = JSON.parse(form.getAttribute("data-missing") || "[]");
  var owners = JSON.parse(form.getAttribute("data-missing-owners") || "[]");
  var queue = kinds.map(function (kind, i) { return { kind: kind, owner: owners[i] }; });
  var pending = 0;
  var next = 0;

  rowsBox.innerHTML = "";
  form.classList.add("js-docs");
  var status = document.createElement("p");
  status.className = "small text-secondary mb-2";
  status.setAttribute("aria-live", "polite");
  rowsBox.parentNode.insertBefore(status, rowsBox);

  function kindLabel(kind) {
    var option = template.querySelector('select[name$="-kind"] option[value="' + kind + '"]');
    return option ? option.textContent : kind;
  }

  function ownerLabel(owner) {
    var option = template.querySelector('select[name$="-member"] option[value="' + owner + '"]');
    return option ? option.textContent : "";
  }

  function rowCount() { return rowsBox.querySelectorAll("[data-doc-row]").length; }

  function refresh() {
    var rows = rowCount();
    submit.disabled = pending > 0 || rows === 0;
    if (pending > 0) {
      submit.textContent = "Memperkecil foto…";
    } else {
      submit.textContent = rows ? "Unggah " + rows + " berkas" : "Unggah";
    }
    if (queue.length) {
      status.textContent = "Berikutnya: " + kindLabel(queue[0].kind) + " " +
        ownerLabel(queue[0].owner) + " (kurang " + queue.length + ").";
    } else {
      status.textContent = rows ? "Semua dokumen wajib sudah dipilih." : "";
    }
  }

  function size(bytes) {
    return bytes < 1024 * 1024 ? Math.max(1, Math.round(bytes / 1024)) + " KB"
      : (bytes / 1024 / 1024).toFixed(1).replace(".", ",") + " MB";
  }

  // Take the next missing document that fits: a PDF is never a business photo.
  function guess(file) {
    var image = /^image\//.test(file.type);
    for (var i = 0; i < queue.length; i += 1) {
      if (image || queue[i].kind !== "business_photo") { return queue.splice(i, 1)[0]; }
    }
    return { kind: image ? "business_photo" : "other", owner: null };
  }

  // Draw the photo smaller on a canvas; any failure keeps the original (the server checks it).
  function shrink(file) {
    if (!/^image\/(jpeg|png|webp|heic|heif)$/i.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.type === "image/jpeg" && file.size < 400 * 1024) {
        return file;
      }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) { bitmap.close(); }
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          var usable = /^image\/(jpeg|png)$/i.test(file.type);
          if (!blob || (usable && blob.size >= file.size)) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  function rename(row, index) {
    row.querySelectorAll("[name], [id], [for]").forEach(function (element) {
      ["name", "id", "for"].forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value) {
          element.setAttribute(attribute, value.replace(/^rows-\d+-/, "rows-" + index + "-"));
        }
      });
    });
  }

  function addRow(file) {
    if (rowCount() >= MAX_ROWS) {
      status.textContent = "Paling banyak " + MAX_ROWS + " berkas sekali unggah; unggah dulu, " +
        "lalu pilih sisanya.";
      return;
    }
    var index = next;
    next += 1;
    var row = template.cloneNode(true);
    rename(row, index);
    var picked = guess(file);
    var kind = row.querySelector('select[name$="-kind"]');
    var member = row.querySelector('select[name$="-member"]');
    kind.value = picked.kind;
    if (picked.owner !== null && picked.owner !== undefined) { member.value = picked.owner; }
    var fileBox = row.querySelector(".doc-file");
    var input = fileBox.querySelector('input[type="file"]');
    fileBox.hidden = true;
    row.querySelector("legend").textContent = file.name || "Foto kamera";
    var note = document.createElement("div");
    note.className = "small text-secondary mb-1";
    note.textContent = size(file.size) + (/^image\//.test(file.type) ? " · memperkecil…" : "");
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-sm btn-link link-secondary px-0 mb-1";
    remove.textContent = "Batal pilih berkas ini";
    remove.addEventListener("click", function () {
      if (picked.owner !== null && picked.owner !== undefined && picked.kind !== "other") {
        queue.unshift(picked);
      }
      row.remove();
      refresh();
    });
    fileBox.after(note);
    row.appendChild(remove);
    rowsBox.appendChild(row);
    pending += 1;
    refresh();
    shrink(file).then(function (result) {
      var transfer = new DataTransfer();
      transfer.items.add(result);
      input.files = transfer.files;
      note.textContent = result === file ? size(file.size)
        : size(file.size) + " → " + size(result.size) + " (diperkecil)";
    }).then(function () {
      pending -= 1;
      refresh();
    });
  }

  function picked(event) {
    Array.prototype.forEach.call(event.target.files, addRow);
    event.target.value = "";
  }

  form.querySelector("[data-doc-camera]").addEventListener("change", picked);
  form.querySelector("[data-doc-picker]").addEventListener("change", picked);
  form.addEventListener("submit", function (event) {
    if (pending > 0 || rowCount() === 0) {
      event.preventDefault();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Mengunggah…";
  });
  refresh();
}());
