"""Numbers as people type them on a phone: digits (Arabic-Indic ones too) or words.

A person answering "cinco", "five", "cinq", "pet", "khamsa" (in Arabic letters), an
Arabic-Indic five or "tano" means 5. Words are
read in the shipped languages from zero to one hundred, compounds included ("twenty-one",
"veintiuno", "quatre-vingt-dix", "dvadeset i jedan", "واحد وعشرون", "ishirini na moja"),
ignoring case, accents, hyphens and Arabic spelling variants (taa marbuta or haa, alif
maqsura or yaa, hamza on alef, the tatweel).
The word lists are data of the channel, like its keywords, not texts to translate.
"""

from __future__ import annotations

import functools
import math

from hsbp.sms.texts import fold

# Arabic-Indic and Eastern Arabic-Indic (Persian, Urdu) digits, and the Arabic decimal comma.
DIGITS = str.maketrans(
    "".join(map(chr, [*range(0x660, 0x66A), *range(0x6F0, 0x6FA), 0x66B])),
    "01234567890123456789,",
)
# Taa marbuta as haa, alif maqsura as yaa, no tatweel: spellings phones mix freely.
ARABIC_VARIANTS = str.maketrans({"\u0629": "\u0647", "\u0649": "\u064a", "\u0640": None})


def _words(spec: str) -> list[list[str]]:
    """'cero|uno,un,una|dos' as [["cero"], ["uno", "un", "una"], ["dos"]]."""
    return [entry.split(",") for entry in spec.split("|")]


def _tens(spec: str, first: int = 20) -> dict[int, list[str]]:
    """'veinte|treinta' as {20: ["veinte"], 30: ["treinta"]} (from `first`)."""
    return {first + 10 * n: words for n, words in enumerate(_words(spec))}


def _english() -> dict[int, list[str]]:
    units = _words(
        "zero,nought,nil|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
        "thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    )
    tens = _tens("twenty|thirty|forty,fourty|fifty|sixty|seventy|eighty|ninety")
    found = dict(enumerate(units))
    for ten, words in tens.items():
        found[ten] = words
        for unit in range(1, 10):
            found[ten + unit] = [f"{w} {u}" for w in words for u in units[unit]]
    found[100] = ["hundred", "one hundred", "a hundred"]
    return found


def _spanish() -> dict[int, list[str]]:
    units = _words(
        "cero|uno,un,una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|"
        "catorce|quince|dieciseis,diez y seis|diecisiete,diez y siete|dieciocho,diez y ocho|"
        "diecinueve,diez y nueve|veinte|veintiuno,veintiun,veintiuna|veintidos|veintitres|"
        "veinticuatro|veinticinco|veintiseis|veintisiete|veintiocho|veintinueve"
    )
    tens = _tens("treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa", first=30)
    found = dict(enumerate(units))
    for ten, words in tens.items():
        found[ten] = words
        for unit in range(1, 10):
            found[ten + unit] = [f"{w} y {u}" for w in words for u in units[unit]]
    found[100] = ["cien", "ciento"]
    return found


def _french() -> dict[int, list[str]]:
    units = _words(
        "zero|un,une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|"
        "quatorze|quinze|seize|dix sept|dix huit|dix neuf"
    )
    found = {n: list(words) for n, words in enumerate(units)}

    def joined(tens: list[str], plus: int) -> list[str]:
        # "vingt et un" and "soixante et onze"; people also write "vingt un".
        joiners = (" et ", " ") if plus in (1, 11) else (" ",)
        return [f"{t}{j}{u}" for t in tens for u in units[plus] for j in joiners]

    # Belgian, Swiss and Central African French count on with septante, huitante, nonante.
    for ten, tens in _tens(
        "vingt|trente|quarante|cinquante|soixante|septante|huitante,octante|nonante"
    ).items():
        for plus in range(10):
            found.setdefault(ten + plus, []).extend(joined(tens, plus) if plus else tens)
    for plus in range(10):
        found[70 + plus] += joined(["soixante"], 10 + plus)
        found[80 + plus] += [f"quatre vingt {u}" for u in units[plus]] if plus else []
        found[90 + plus] += [f"quatre vingt {u}" for u in units[10 + plus]]
    found[80] += ["quatre vingts", "quatre vingt"]
    found[100] = ["cent"]
    return found


def _bosnian() -> dict[int, list[str]]:
    units = _words(
        "nula|jedan,jedna,jedno|dva,dvije,dve|tri|cetiri|pet|sest|sedam|osam|devet|deset|"
        "jedanaest|dvanaest|trinaest|cetrnaest|petnaest|sesnaest|sedamnaest|osamnaest|devetnaest"
    )
    tens = _tens("dvadeset|trideset|cetrdeset|pedeset|sezdeset|sedamdeset|osamdeset|devedeset")
    found = dict(enumerate(units))
    for ten, words in tens.items():
        found[ten] = words
        for unit in range(1, 10):
            found[ten + unit] = [
                f"{w}{joiner}{u}" for w in words for u in units[unit] for joiner in (" ", " i ")
            ]
    found[100] = ["sto", "stotinu"]
    return found


def _arabic() -> dict[int, list[str]]:
    units = _words(
        "صفر|واحد,واحدة,احد|اثنان,اثنين,اثنتان,اثنتين,اتنين|ثلاثة,ثلاث,تلاتة,تلاته|"
        "أربعة,أربع,اربعة|خمسة,خمس|ستة,ست|سبعة,سبع|ثمانية,ثماني,ثمان,تمانية|تسعة,تسع|عشرة,عشر"
    )
    found = dict(enumerate(units))
    found[11] = ["أحد عشر", "إحدى عشرة", "احدعش", "حداش"]
    found[12] = ["اثنا عشر", "اثني عشر", "اثنتا عشرة", "اثنتي عشرة", "اتناش"]
    for unit in range(3, 10):
        found[10 + unit] = [f"{u} {ten}" for u in units[unit] for ten in ("عشر", "عشرة")]
    tens = _tens(
        "عشرون,عشرين|ثلاثون,ثلاثين,تلاتين|أربعون,أربعين|خمسون,خمسين|ستون,ستين|"
        "سبعون,سبعين|ثمانون,ثمانين|تسعون,تسعين"
    )
    for ten, words in tens.items():
        found[ten] = words
        for unit in range(1, 10):
            # Arabic says the unit first: "خمسة وعشرون" (five and twenty).
            found[ten + unit] = [
                f"{u}{joiner}{w}" for u in units[unit] for w in words for joiner in (" و", " و ")
            ]
    found[100] = ["مائة", "مئة", "مية", "ميه"]
    return found


def _swahili() -> dict[int, list[str]]:
    units = _words("sifuri,sufuri|moja|mbili|tatu|nne|tano|sita|saba|nane|tisa|kumi")
    tens = _tens("ishirini|thelathini|arobaini|hamsini|sitini|sabini|themanini|tisini")
    found = dict(enumerate(units))
    for ten, words in {10: units[10], **tens}.items():
        found[ten] = words
        for unit in range(1, 10):
            found[ten + unit] = [f"{w} na {u}" for w in words for u in units[unit]]
    found[100] = ["mia", "mia moja"]
    return found


LANGUAGES = {
    "en": _english,
    "es": _spanish,
    "fr": _french,
    "bs": _bosnian,
    "ar": _arabic,
    "sw": _swahili,
}


def key(text: str) -> str:
    """How number words compare: folded, hyphens as spaces, Arabic variants made one."""
    plain = fold(text.translate(ARABIC_VARIANTS)).replace("-", " ")
    return " ".join(plain.split())


@functools.cache
def table(locale: str) -> dict[str, int]:
    """{word key: number} of a shipped language (empty for any other)."""
    build = LANGUAGES.get(str(locale))
    if build is None:
        return {}
    return {key(word): number for number, words in build().items() for word in words}


def words_for(locales) -> dict[str, int]:
    """The number words of `locales` together (English's always among them, as keywords are);
    a word that means two numbers in two languages means none."""
    merged: dict[str, int] = {}
    clashes: set[str] = set()
    for locale in dict.fromkeys(["en", *(str(code) for code in locales if code)]):
        for word, number in table(locale).items():
            if merged.setdefault(word, number) != number:
                clashes.add(word)
    for word in clashes:
        del merged[word]
    return merged


def western_digits(text: str) -> str:
    """`text` with Arabic-Indic digits as 0-9."""
    return text.translate(DIGITS)


def read_number(text: str, locales=()) -> float | None:
    """The number a reply means, in digits ("12", "2,5", Arabic-Indic) or in words of `locales` or
    English ("cinco", "twenty one"); None for anything else (infinity and NaN included)."""
    try:
        value = float(western_digits(text).strip().replace(",", ".").replace(" ", ""))
    except ValueError:
        number = words_for(locales).get(key(text))
        return float(number) if number is not None else None
    return value if math.isfinite(value) else None
