"""Polish names for the demo town: streets, patrons, districts, forests.

Every string here is encodable in cp1250 (tested), so the legacy exports
never fail on an unmappable character.
"""

from __future__ import annotations

import numpy as np

# Genitive surnames of patrons, as on Polish street signs ("ul. Mickiewicza").
PATRONS: tuple[str, ...] = (
    "Mickiewicza", "Kościuszki", "Słowackiego", "Sienkiewicza", "Prusa", "Żeromskiego",
    "Konopnickiej", "Orzeszkowej", "Kopernika", "Chopina", "Moniuszki", "Reymonta",
    "Kochanowskiego", "Krasickiego", "Norwida", "Fredry", "Wyspiańskiego", "Matejki",
    "Traugutta", "Kilińskiego", "Piłsudskiego", "Dąbrowskiego", "Pułaskiego", "Staszica",
    "Kołłątaja", "Paderewskiego", "Sikorskiego", "Żwirki i Wigury", "Skłodowskiej-Curie",
    "Korczaka", "Tuwima", "Broniewskiego", "Gałczyńskiego", "Asnyka", "Kasprowicza",
    "Lelewela", "Mieszka I", "Bolesława Chrobrego", "Kazimierza Wielkiego", "Jagiełły",
    "Sobieskiego", "Batorego", "Poniatowskiego", "Narutowicza", "Witosa", "Daszyńskiego",
    "Okrzei", "Wojska Polskiego", "Armii Krajowej", "Szarych Szeregów", "Westerplatte",
    "Kasprzaka", "Kraszewskiego", "Zapolskiej", "Nałkowskiej", "Brzechwy", "Makuszyńskiego",
    "Fałata", "Chełmońskiego", "Wańkowicza", "Herberta", "Miłosza", "Szymborskiej",
    "Grottgera", "Wieniawskiego", "Karłowicza", "Szymanowskiego", "Ogińskiego", "Lutosławskiego",
    "Stwosza", "Długosza", "Bema", "Hallera", "Andersa", "Maczka", "Sowińskiego",
    "Ściegiennego", "Emilii Plater", "Łukasiewicza", "Zamoyskiego", "Wybickiego",
    "Rejtana", "Czackiego", "Śniadeckich", "Mikołajczyka", "Korfantego", "Wróblewskiego",
    "Kusocińskiego", "Hubala", "Kruczkowskiego", "Iwaszkiewicza", "Dmowskiego", "Popiełuszki",
)  # fmt: skip

# Adjectival street names ("ul. Polna").
ADJECTIVES: tuple[str, ...] = (
    "Polna", "Leśna", "Ogrodowa", "Kwiatowa", "Lipowa", "Słoneczna", "Krótka", "Długa",
    "Szkolna", "Kościelna", "Młyńska", "Łąkowa", "Spacerowa", "Wiejska", "Zielona", "Brzozowa",
    "Dębowa", "Klonowa", "Jesionowa", "Wierzbowa", "Sosnowa", "Świerkowa", "Jodłowa", "Akacjowa",
    "Różana", "Tulipanowa", "Bratkowa", "Liliowa", "Jaśminowa", "Wrzosowa", "Fiołkowa", "Makowa",
    "Słowicza", "Jaskółcza", "Sowia", "Żurawia", "Bociania", "Łabędzia", "Sokola", "Orla",
    "Cicha", "Spokojna", "Wąska", "Szeroka", "Stroma", "Graniczna", "Poprzeczna", "Boczna",
    "Ogrodnicza", "Rzemieślnicza", "Kolejowa", "Dworcowa", "Przemysłowa", "Fabryczna",
    "Składowa", "Magazynowa", "Sportowa", "Harcerska", "Rycerska", "Zamkowa", "Plażowa",
    "Rzeczna", "Nadrzeczna", "Źródlana", "Stawowa", "Torfowa", "Piaskowa", "Żwirowa", "Gliniana",
    "Miodowa", "Pszenna", "Żytnia", "Owsiana", "Jęczmienna", "Gryczana", "Lniana", "Konopna",
    "Jagodowa", "Malinowa", "Poziomkowa", "Wiśniowa", "Czereśniowa", "Jabłoniowa", "Gruszowa",
    "Orzechowa", "Kasztanowa", "Grabowa", "Olchowa", "Modrzewiowa", "Cisowa", "Bukowa",
    "Jarzębinowa", "Kalinowa", "Głogowa", "Tarninowa", "Nowa", "Stara", "Środkowa", "Grunwaldzka",
)  # fmt: skip

# Arterials are named after the towns they lead to.
ARTERIALS: tuple[str, ...] = (
    "ul. Warszawska", "ul. Poznańska", "ul. Toruńska", "ul. Kaliska",
    "ul. Gnieźnieńska", "ul. Łódzka", "ul. Turecka", "ul. Kolska",
)  # fmt: skip

RING_NAMES: tuple[str, ...] = (
    "Aleja Jana Pawła II", "Aleja Solidarności", "Aleja Niepodległości", "Aleja 1 Maja",
)  # fmt: skip

SCHOOL_PATRONS: tuple[str, ...] = (
    "Marii Konopnickiej", "Adama Mickiewicza", "Janusza Korczaka", "Jana Pawła II",
    "Henryka Sienkiewicza", "Marii Skłodowskiej-Curie", "Kornela Makuszyńskiego",
    "Tadeusza Kościuszki", "Juliusza Słowackiego", "Orła Białego", "Polskich Olimpijczyków",
    "Bohaterów Westerplatte", "Władysława Broniewskiego", "Jana Brzechwy", "Stefana Żeromskiego",
    "Ireny Sendlerowej", "Mikołaja Kopernika", "Fryderyka Chopina", "Szarych Szeregów",
    "Powstańców Wielkopolskich", "Wisławy Szymborskiej", "Ignacego Łukasiewicza",
)  # fmt: skip

KINDERGARTEN_NICKS: tuple[str, ...] = (
    "Słoneczko", "Bajka", "Promyczek", "Kubuś Puchatek", "Jarzębinka", "Żabka",
    "Wesoła Gromadka", "Pszczółka Maja", "Tęcza", "Krasnoludek", "Źdźbło", "Niezapominajka",
    "Calineczka", "Leśne Skrzaty", "Bursztynek", "Wróbelek Ćwirek",
)  # fmt: skip

DISTRICTS: tuple[str, ...] = (
    "Śródmieście", "Stare Miasto", "Zatorze", "Osiedle Piastów", "Podgórze", "Nowe Miasto",
    "Łęgi", "Zawodzie", "Wólka", "Przedmieście Kaliskie", "Osiedle Słoneczne", "Żabieniec",
)  # fmt: skip

FORESTS: tuple[str, ...] = (
    "Las Miejski „Dąbrowa”", "Las Olszynka", "Borek", "Grądy", "Las Łęgowy", "Zagajnik Brzeźnica",
    "Las Żurawiniec", "Buczyna",
)  # fmt: skip

POSTAL_PREFIX = "62-5"


def street_name_pool(count: int, rng: np.random.Generator) -> list[str]:
    """Return ``count`` distinct-looking street names, shuffled deterministically.

    Parameters
    ----------
    count : int
        How many names are needed.
    rng : numpy.random.Generator
        Source of the shuffle.

    Returns
    -------
    list of str
        Names like ``"ul. Mickiewicza"``; when the base list runs out, further
        rounds get a Roman-numeral suffix (``"ul. Polna II"``).
    """
    base = [f"ul. {p}" for p in PATRONS] + [f"ul. {a}" for a in ADJECTIVES]
    order = rng.permutation(len(base)).tolist()
    names: list[str] = []
    suffixes = ("", " II", " III", " IV", " V", " VI", " VII", " VIII", " IX", " X")
    round_no = 0
    while len(names) < count:
        suffix = suffixes[round_no] if round_no < len(suffixes) else f" {round_no + 1}"
        names.extend(base[i] + suffix for i in order)
        round_no += 1
    return names[:count]


def genitive(street: str) -> str:
    """Decline a street name for "Przebudowa ul. Polnej" style task names.

    Parameters
    ----------
    street : str
        Name as on the sign, e.g. ``"ul. Polna II"`` or ``"Aleja Jana Pawła II"``.

    Returns
    -------
    str
        ``"ul. Polnej II"``, ``"Alei Jana Pawła II"``; patron names (already in
        the genitive, ``"ul. Mickiewicza"``) are returned unchanged.
    """
    if street.startswith("Aleja "):
        return "Alei " + street.removeprefix("Aleja ")
    if not street.startswith("ul. "):
        return street
    word, _, suffix = street.removeprefix("ul. ").partition(" ")
    adjectives = set(ADJECTIVES) | {a.removeprefix("ul. ") for a in ARTERIALS}
    if word not in adjectives or not word.endswith("a"):
        return street
    declined = word[:-1] + ("iej" if word.endswith(("ka", "ga")) else "ej")
    return "ul. " + declined + (" " + suffix if suffix else "")
