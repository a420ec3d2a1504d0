from harkat.core.nik import mask_nik, mask_niks_in_text


def test_nik_keeps_only_first_and_last_four_digits():
    assert mask_nik("1571014708850001") == "1571********0001"
    assert mask_nik("1571 0147 0885 0001") == "1571********0001"


def test_malformed_nik_is_fully_hidden():
    assert mask_nik("12345") == "*****"
    assert mask_nik(None) is None


def test_niks_inside_text_are_masked_but_phone_numbers_are_not():
    text = "NIK 1571014708850001 telp 081234567890"
    assert mask_niks_in_text(text) == "NIK 1571********0001 telp 081234567890"
