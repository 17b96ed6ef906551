"""TOTP as RFC 6238 and RFC 4226 define it, checked against their published test vectors, and
the window of steps a code is taken from."""

import base64

import pytest

from hsbp.auth import totp

# RFC 6238, appendix B: the seeds are ASCII digits, as long as each hash's output.
SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
# RFC 4226, appendix D: HOTP of the SHA-1 seed for counters 0 to 9.
HOTP_VECTORS = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
]


@pytest.mark.parametrize(("moment", "sha1", "sha256", "sha512"), VECTORS)
def test_totp_matches_rfc_6238_test_vectors(moment, sha1, sha256, sha512):
    step = totp.step_at(moment)
    found = [
        totp.hotp(SEEDS[name], step, digits=8, algorithm=name)
        for name in ("sha1", "sha256", "sha512")
    ]
    assert found == [sha1, sha256, sha512]


def test_hotp_matches_rfc_4226_test_vectors():
    assert [totp.hotp(SEEDS["sha1"], n) for n in range(10)] == HOTP_VECTORS


def test_six_digit_codes_of_a_base32_secret_are_the_rfc_codes_cut_to_six():
    secret = base64.b32encode(SEEDS["sha1"]).decode()
    assert totp.code_at(secret, 59) == "287082"
    assert totp.code_at(secret, 1111111109) == "081804"
    # Spaces and lower case, as a person may copy the key, read the same.
    spaced = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)).lower()
    assert totp.code_at(spaced, 1234567890) == "005924"


def test_a_code_is_taken_one_step_either_side_and_no_further():
    secret = totp.new_secret()
    now = 1_800_000_000.0
    step = totp.step_at(now)

    def taken(offset: int) -> int | None:
        return totp.matching_step(secret, totp.code_at(secret, now + offset * 30), moment=now)

    assert [taken(offset) for offset in (-1, 0, 1)] == [step - 1, step, step + 1]
    assert [taken(offset) for offset in (-2, 2)] == [None, None]


def test_a_new_secret_has_160_random_bits_in_base32():
    secrets = {totp.new_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(len(s) == 32 and len(totp.secret_key(s)) == 20 for s in secrets)


def test_the_app_address_names_the_issuer_and_the_account():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", account="ana@example.org")
    assert uri == "otpauth://totp/hsbp:ana@example.org?secret=JBSWY3DPEHPK3PXP&issuer=hsbp"
