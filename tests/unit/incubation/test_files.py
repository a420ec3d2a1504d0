"""Visit photos on disk: JPEG and PNG by content only, a size limit, random names, SHA-256."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from harkat.incubation import files


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "green").save(buffer, kind)
    return buffer.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")


def test_a_png_is_stored_under_visits_with_a_random_name_and_its_hash(tmp_path):
    stored = files.store_photo(PNG, 1024, tmp_path)
    assert stored.mime == "image/png" and stored.size == len(PNG)
    assert stored.path.startswith("visits/") and stored.path.endswith(".png")
    assert (tmp_path / stored.path).read_bytes() == PNG
    assert stored.sha256 == hashlib.sha256(PNG).hexdigest()
    again = files.store_photo(PNG, 1024, tmp_path)
    assert again.path != stored.path


def test_a_jpeg_is_stored_as_jpg(tmp_path):
    stored = files.store_photo(JPEG, 1024, tmp_path)
    assert stored.mime == "image/jpeg" and stored.path.endswith(".jpg")


@pytest.mark.parametrize(
    "data",
    [
        b"bukan gambar, hanya teks",
        b"",
        b"GIF89a" + b"\x00" * 10,
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        PNG[1:],
    ],
)
def test_anything_else_is_refused_and_nothing_is_written(tmp_path, data):
    with pytest.raises(files.PhotoError, match=r"^Foto harus berformat JPEG atau PNG\.$"):
        files.store_photo(data, 1024, tmp_path)
    assert not (tmp_path / "visits").exists()


def test_the_size_limit_holds_to_the_byte(tmp_path):
    files.store_photo(PNG, len(PNG), tmp_path)
    with pytest.raises(files.PhotoError, match="Ukuran foto maksimal"):
        files.store_photo(PNG, len(PNG) - 1, tmp_path)
    assert len(list((tmp_path / "visits").iterdir())) == 1


def test_a_broken_image_is_refused(tmp_path):
    with pytest.raises(files.PhotoError, match="gambar tidak dapat dibaca"):
        files.store_photo(b"\xff\xd8\xff\xe0" + b"\x00" * 40, 1024, tmp_path)
    assert not (tmp_path / "visits").exists()


def test_the_default_limit_is_named_in_megabytes():
    big = PNG + b"\x00" * (5 * 1024 * 1024)
    with pytest.raises(files.PhotoError) as refused:
        files.check_photo(big, 5 * 1024 * 1024)
    assert str(refused.value) == "Ukuran foto maksimal 5 MB."
    assert files.size_label(512 * 1024) == "512 KB"
    assert files.size_label(1536 * 1024) == "1,5 MB"


def test_only_files_inside_the_visits_folder_are_served(tmp_path):
    stored = files.store_photo(PNG, 1024, tmp_path)
    assert files.photo_file(tmp_path, stored.path) == (tmp_path / stored.path).resolve()
    (tmp_path / "secret_key").write_text("rahasia")
    assert files.photo_file(tmp_path, "visits/../secret_key") is None
    assert files.photo_file(tmp_path, "/etc/passwd") is None
    assert files.photo_file(tmp_path, "visits/tidak-ada.png") is None
    files.delete_photo(tmp_path, stored.path)
    assert not (tmp_path / stored.path).exists()
