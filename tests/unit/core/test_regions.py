import pytest

from harkat.core.regions import place_key


@pytest.mark.parametrize(
    ("typed", "official"),
    [
        ("The Hok", "Thehok"),
        ("  thehok ", "Thehok"),
        ("Simpang 4 Sipin", "Simpang IV Sipin"),
        ("Simpang Empat Sipin", "Simpang IV Sipin"),
        ("Kel. Simpang IV Sipin", "Simpang IV Sipin"),
        ("Kelurahan Pasir-Putih", "Pasir Putih"),
        ("Kec. Kota Baru", "Kota Baru"),
        ("SUKA KARYA", "Suka Karya"),
    ],
)
def test_spelling_variants_share_a_key(typed, official):
    assert place_key(typed) == place_key(official)


def test_different_places_keep_different_keys():
    assert place_key("Simpang III Sipin") != place_key("Simpang IV Sipin")
    assert place_key("Kenali Asam") != place_key("Kenali Asam Atas")
