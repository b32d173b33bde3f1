"""The Lørenskog demo: real employers from the municipality's business plan, invented people.

Deterministic (a fixed random seed and a fixed calendar anchor) and idempotent (rows are found by
their natural keys and left alone when they exist), so ``flask seed demo`` can run any number of times.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from seeds.schools import seed_schools
from seeds.taxonomy import load_taxonomies
from webapp.extensions import db
from webapp.models import (
    Adaptation,
    Candidate,
    Occupation,
    Organisation,
    OrganisationKind,
    PostalPlace,
    Site,
    Skill,
    Slot,
    SlotKind,
    SlotStatus,
    User,
)
from webapp.services.passwords import hash_password

DEMO_PASSWORD = "arbeidsbro-demo"
DEMO_DOMAIN = "demo.arbeidsbro.no"
DEMO_ANCHOR = date(2027, 1, 4)  # slots start from here; fixed so every run gives the same data
DEMO_CONSENT_AT = datetime(2026, 10, 1, 9, 0)
RANDOM_SEED = 2026


def valid_org_number(prefix: int) -> str:
    """The first valid nine-digit organisation number at or after ``prefix`` * 10 (mod-11)."""
    from webapp.services.orgnumber import is_valid_org_number

    number = prefix * 10
    while not is_valid_org_number(str(number)):
        number += 1
    return str(number)


@dataclass(frozen=True)
class SlotSpec:
    kind: str
    title: str
    occupation: str
    description: str
    skills: tuple[str, ...]
    level: str = "none"
    hours: int = 37
    adaptations: tuple[str, ...] = ()
    capacity: int = 1


SLOTS = {
    "helse_laerling": SlotSpec(
        "apprenticeship",
        "Lærling i helsearbeiderfaget",
        "helsearbeiderfaget",
        "Læreplass på sengepost med pasientstell, observasjon og dokumentasjon. Du får fast veileder og roterer mellom avdelinger.",
        ("pasientstell", "observasjon", "forflytning", "dokumentasjon_journal", "smittevern"),
        "B1",
        37,
        ("mentor",),
        3,
    ),
    "helse_praksis": SlotSpec(
        "work_practice",
        "Praksisplass som pleieassistent",
        "pleieassistent",
        "Praksis i sykehjem: hjelp med måltider, aktiviteter og enkel pleie sammen med erfarne helsefagarbeidere.",
        ("maltidshjelp", "aktivisering", "eldreomsorg", "samarbeid"),
        "A2",
        30,
        ("mentor", "language_support"),
        2,
    ),
    "portor": SlotSpec(
        "work_training",
        "Arbeidstrening som portør",
        "portorfaget",
        "Frakt av pasienter, prøver og utstyr mellom avdelinger. Mye gange, god service og punktlighet.",
        ("pasienttransport", "service_innstilling", "punktlighet", "fysisk_arbeid"),
        "A2",
        30,
        ("mentor", "flexible_hours"),
        2,
    ),
    "sykehusrenhold": SlotSpec(
        "work_training",
        "Arbeidstrening i sykehusrenhold",
        "renholdsoperatorfaget",
        "Renhold av pasientrom og fellesarealer etter smittevernrutiner. Opplæring i renholdsmaskiner.",
        ("sykehusrenhold", "renhold", "smittevern", "renholdsmaskiner"),
        "A1",
        25,
        ("reduced_hours", "language_support", "mentor"),
        2,
    ),
    "sprak_kjokken": SlotSpec(
        "language_practice",
        "Språkpraksis på storkjøkken",
        "kjokkenassistent",
        "Språkpraksis i produksjonskjøkkenet. Du lærer fagord, hygiene og arbeidsrutiner sammen med kokkene.",
        ("matlaging", "oppvask", "mattrygghet", "storkjokken"),
        "A1",
        20,
        ("language_support", "mentor"),
        2,
    ),
    "terminal": SlotSpec(
        "work_training",
        "Arbeidstrening på pakketerminal",
        "logistikkfaget",
        "Sortering av pakker, lasting og lossing på Østlandsterminalen. Skiftarbeid, opplæring i palletruck.",
        ("sortering", "terminalarbeid", "lasting_og_lossing", "palletruck", "skiftarbeid"),
        "A2",
        37,
        ("mentor",),
        4,
    ),
    "logistikk_laerling": SlotSpec(
        "apprenticeship",
        "Lærling i logistikkfaget",
        "logistikkfaget",
        "Varemottak, lagerstyring og utsending i et av Norges største godsterminaler. Truckførerbevis tas i læretiden.",
        ("varemottak", "lagerstyring", "truckforerbevis", "strekkodeskanner"),
        "B1",
        37,
        (),
        2,
    ),
    "sjafor": SlotSpec(
        "work_practice",
        "Praksis som sjåførassistent",
        "sjafor_budbil",
        "Bli med på ruter ut til kunder, lær ruteplanlegging og varelevering. Førerkort klasse B er en fordel.",
        ("forerkort_b", "varetransport", "kundeservice"),
        "A2",
        37,
        (),
        1,
    ),
    "pakkelinje": SlotSpec(
        "work_training",
        "Arbeidstrening på tappelinje",
        "industriell_matproduksjon",
        "Arbeid ved tappe- og pakkelinje for drikkevarer. Kvalitetskontroll og HMS står sentralt.",
        ("produksjonslinje", "pakkelinje", "kvalitetskontroll", "hms"),
        "A2",
        37,
        ("adapted_equipment", "mentor"),
        2,
    ),
    "industri_laerling": SlotSpec(
        "apprenticeship",
        "Lærling i industrimekanikerfaget",
        "industrimekanikerfaget",
        "Vedlikehold av produksjonsutstyr, hydraulikk og pneumatikk. Du jobber i skift med erfarne mekanikere.",
        ("vedlikehold", "hydraulikk", "pneumatikk", "tegningslesing", "hms"),
        "B1",
        37,
        (),
        1,
    ),
    "lager_elkjop": SlotSpec(
        "work_practice",
        "Praksisplass på sentrallager",
        "lagermedarbeider",
        "Plukk og pakk av nettbestillinger på sentrallageret. Tydelige rutiner og strekkodeskanner.",
        ("plukk_og_pakk", "strekkodeskanner", "netthandel", "noyaktighet"),
        "A2",
        30,
        ("step_free_access", "quiet_workspace"),
        3,
    ),
    "salg_laerling": SlotSpec(
        "apprenticeship",
        "Lærling i salgsfaget",
        "salgsfaget",
        "Kundeservice og salg av elektronikk og hvitevarer i butikk. Du lærer produktkunnskap, kasse og vareeksponering.",
        ("salg", "kundeservice", "kassearbeid", "vareeksponering"),
        "B2",
        37,
        (),
        2,
    ),
    "kundeservice": SlotSpec(
        "work_training",
        "Arbeidstrening i kundeservice",
        "kundeservicemedarbeider",
        "Svar kunder på telefon, e-post og chat om ordre og reklamasjoner.",
        ("telefonhenvendelser", "kundeservice", "reklamasjonsbehandling", "digitale_ferdigheter"),
        "B1",
        30,
        ("quiet_workspace", "flexible_hours"),
        2,
    ),
    "it_drift": SlotSpec(
        "apprenticeship",
        "Lærling i IT-drift",
        "it_driftsfaget",
        "Brukerstøtte, oppsett av PC-er og drift av nettverk og servere.",
        ("brukerstotte", "nettverk", "pc_reparasjon", "office365"),
        "B1",
        37,
        ("quiet_workspace",),
        1,
    ),
    "apotek_laerling": SlotSpec(
        "apprenticeship",
        "Lærling i apotekteknikerfaget",
        "apotektekniker",
        "Ekspedere resepter, gi råd om handelsvarer og holde orden på lageret i apoteket.",
        ("resepthandtering", "kundeservice", "rad_og_veiledning", "varepafylling"),
        "B2",
        37,
        (),
        1,
    ),
    "apotek_praksis": SlotSpec(
        "work_practice",
        "Praksis som butikkmedarbeider i apotek",
        "butikkmedarbeider",
        "Varepåfylling, vareeksponering og enkel kundebehandling i apotek på kjøpesenter.",
        ("varepafylling", "vareeksponering", "kundeservice"),
        "B1",
        25,
        ("reduced_hours",),
        1,
    ),
    "bil_laerling": SlotSpec(
        "apprenticeship",
        "Lærling i bilfaget, lette kjøretøy",
        "bilfaget_lette",
        "Service, feilsøking og reparasjon av personbiler og elbiler i merkeverksted.",
        ("bilservice", "feilsoking_bil", "elbil", "dekkskift"),
        "B1",
        37,
        (),
        2,
    ),
    "bilpleie": SlotSpec(
        "work_training",
        "Arbeidstrening i bilpleie og klargjøring",
        "bilfaget_lette",
        "Klargjøring av nye og brukte biler: vask, polering, dekkskift og enkel kontroll.",
        ("bilpleie", "dekkskift", "fysisk_arbeid"),
        "A1",
        30,
        ("language_support", "mentor"),
        2,
    ),
    "bilskade": SlotSpec(
        "apprenticeship",
        "Lærling i bilskadefaget",
        "bilskadefaget",
        "Retting av kollisjonsskader, skifte av karosserideler og forberedelse til lakk.",
        ("karosseri", "sveising_mig", "elektroverktoy"),
        "B1",
        37,
        (),
        1,
    ),
    "sno_anlegg": SlotSpec(
        "work_practice",
        "Praksis ved innendørs skianlegg",
        "idrettsanlegg",
        "Hjelp gjester, utleie av utstyr, preparering og orden på anlegget.",
        ("gjestebehandling", "kundeservice", "fysisk_arbeid", "samarbeid"),
        "A2",
        30,
        ("flexible_hours",),
        2,
    ),
    "sno_kafe": SlotSpec(
        "language_practice",
        "Språkpraksis i kafé",
        "kjokkenassistent",
        "Språkpraksis i kafeen: servering, kasse og enkel matlaging. Mye kontakt med gjester.",
        ("servering", "barista", "kassearbeid"),
        "A1",
        20,
        ("language_support",),
        2,
    ),
    "helsesekretaer": SlotSpec(
        "work_training",
        "Arbeidstrening som helsesekretær",
        "helsesekretaer",
        "Resepsjon og kontorarbeid ved helsesenter: timebestilling, sentralbord og arkiv.",
        ("resepsjon", "booking", "arkiv", "sentralbord"),
        "B2",
        30,
        ("quiet_workspace",),
        1,
    ),
    "butikk_metro": SlotSpec(
        "work_practice",
        "Praksisplass i butikk",
        "butikkmedarbeider",
        "Varepåfylling, kasse og kundeservice i butikk på kjøpesenter.",
        ("varepafylling", "kassearbeid", "kundeservice", "vareeksponering"),
        "A2",
        30,
        ("reduced_hours",),
        2,
    ),
    "sprak_butikk": SlotSpec(
        "language_practice",
        "Språkpraksis i dagligvarebutikk",
        "butikkmedarbeider",
        "Språkpraksis med varepåfylling, frukt og grønt og enkel kundekontakt.",
        ("varepafylling", "varetelling", "norsk_muntlig"),
        "A1",
        20,
        ("language_support", "mentor"),
        2,
    ),
    "frisor": SlotSpec(
        "apprenticeship",
        "Lærling i frisørfaget",
        "frisorfaget",
        "Klipp, farge og styling i salong på kjøpesenter.",
        ("harklipp", "harfarging", "kundeservice"),
        "B1",
        37,
        (),
        1,
    ),
    "barnehage": SlotSpec(
        "apprenticeship",
        "Lærling i barne- og ungdomsarbeiderfaget",
        "barne_og_ungdomsarbeiderfaget",
        "Læreplass i kommunal barnehage: lek, språkstimulering, måltider og foreldresamarbeid.",
        ("omsorg_for_barn", "lek_og_aktiviteter", "sprakstimulering", "foreldresamarbeid"),
        "B2",
        37,
        ("mentor",),
        3,
    ),
    "barnehage_sprak": SlotSpec(
        "language_practice",
        "Språkpraksis i barnehage",
        "barnehageassistent",
        "Språkpraksis i barnehage med lek og aktiviteter. God trening i muntlig norsk.",
        ("lek_og_aktiviteter", "omsorg_for_barn", "norsk_muntlig"),
        "A2",
        20,
        ("language_support", "mentor"),
        2,
    ),
    "vaktmester": SlotSpec(
        "work_training",
        "Arbeidstrening som vaktmester",
        "vaktmester",
        "Vedlikehold av kommunale bygg og uteområder, snørydding om vinteren.",
        ("vaktmesterarbeid", "handverktoy", "snorydding", "selvstendighet"),
        "A2",
        37,
        ("flexible_hours",),
        2,
    ),
    "kantine": SlotSpec(
        "apprenticeship",
        "Lærling i institusjonskokkfaget",
        "institusjonskokkfaget",
        "Matlaging for sykehjem og hjemmetjeneste, spesialkost og allergener.",
        ("matlaging", "storkjokken", "allergener", "mattrygghet"),
        "B1",
        37,
        (),
        1,
    ),
    "park": SlotSpec(
        "work_training",
        "Arbeidstrening i park og grønt",
        "anleggsgartnerfaget",
        "Stell av parker, lekeplasser og grøntanlegg i kommunen.",
        ("parkdrift", "hagearbeid", "plantestell", "fysisk_arbeid"),
        "A1",
        30,
        ("language_support", "reduced_hours"),
        3,
    ),
    "tomrer": SlotSpec(
        "apprenticeship",
        "Lærling i tømrerfaget",
        "tomrerfaget",
        "Nybygg og rehabilitering av boliger. Forskaling, reisverk og innredning.",
        ("tomrerarbeid", "forskaling", "handverktoy", "elektroverktoy", "hms"),
        "B1",
        37,
        (),
        2,
    ),
    "elektriker": SlotSpec(
        "apprenticeship",
        "Lærling i elektrikerfaget",
        "elektrikerfaget",
        "Elektriske installasjoner i næringsbygg og boliger.",
        ("el_installasjon", "tegningslesing", "hms"),
        "B1",
        37,
        (),
        1,
    ),
    "yff_helse": SlotSpec(
        "school_placement",
        "Utplassering for elever i helse- og oppvekstfag",
        "helsearbeiderfaget",
        "Utplassering (YFF) for Vg1- og Vg2-elever: bli kjent med arbeidsdagen på sykehus.",
        ("pasientstell", "samarbeid"),
        "none",
        30,
        ("mentor",),
        4,
    ),
    "yff_salg": SlotSpec(
        "school_placement",
        "Utplassering i butikk (YFF)",
        "salgsfaget",
        "Utplassering for elever i salg, service og reiseliv: kasse, varer og kundeservice.",
        ("kundeservice", "varepafylling"),
        "none",
        30,
        (),
        3,
    ),
    "yff_bil": SlotSpec(
        "school_placement",
        "Utplassering i bilverksted (YFF)",
        "bilfaget_lette",
        "Elever i teknologi- og industrifag får prøve service og dekkskift.",
        ("bilservice", "dekkskift"),
        "none",
        30,
        (),
        2,
    ),
    "laerekandidat_renhold": SlotSpec(
        "training_candidate",
        "Lærekandidat i renholdsoperatørfaget",
        "renholdsoperatorfaget",
        "Tilpasset opplæring mot kompetansebevis i renhold.",
        ("renhold", "renholdsmaskiner", "avfallshandtering"),
        "A2",
        30,
        ("mentor", "reduced_hours"),
        1,
    ),
    "laerekandidat_logistikk": SlotSpec(
        "training_candidate",
        "Lærekandidat i logistikkfaget",
        "logistikkfaget",
        "Tilpasset læreløp på lager med plukk, pakk og varemottak.",
        ("plukk_og_pakk", "varemottak", "palletruck"),
        "A2",
        30,
        ("mentor", "quiet_workspace"),
        1,
    ),
}


@dataclass(frozen=True)
class EmployerSpec:
    name: str
    org_prefix: int
    site_name: str
    address: str
    postal_code: str
    slots: tuple[str, ...]
    open_to_schools: bool = True
    description: str = ""


EMPLOYERS = [
    EmployerSpec(
        "Akershus universitetssykehus (Ahus)",
        98300000,
        "Ahus Nordbyhagen",
        "Sykehusveien 25",
        "1478",
        (
            "helse_laerling",
            "helse_praksis",
            "portor",
            "sykehusrenhold",
            "sprak_kjokken",
            "yff_helse",
            "helsesekretaer",
            "laerekandidat_renhold",
            "kantine",
            "it_drift",
        ),
        description="Universitetssykehus med over 10 000 ansatte.",
    ),
    EmployerSpec(
        "Posten Norge, Østlandsterminalen",
        98400000,
        "Østlandsterminalen",
        "Robsrudskogen 15",
        "1470",
        ("terminal", "logistikk_laerling", "sjafor", "laerekandidat_logistikk", "kundeservice"),
    ),
    EmployerSpec(
        "Coca-Cola European Partners Norge",
        98500000,
        "Lørenskog fabrikk",
        "Robsrudskogen 5",
        "1470",
        (
            "pakkelinje",
            "industri_laerling",
            "lager_elkjop",
            "sjafor",
            "laerekandidat_logistikk",
            "kundeservice",
        ),
    ),
    EmployerSpec(
        "Elkjøp Nordic",
        98600000,
        "Hovedkontor og sentrallager",
        "Solheimveien 6",
        "1473",
        (
            "lager_elkjop",
            "salg_laerling",
            "kundeservice",
            "it_drift",
            "yff_salg",
            "laerekandidat_logistikk",
        ),
    ),
    EmployerSpec(
        "Apotek 1 Triaden",
        98700000,
        "Triaden Lørenskog Storsenter",
        "Gamleveien 88",
        "1476",
        ("apotek_laerling", "apotek_praksis"),
    ),
    EmployerSpec(
        "Bertel O. Steen Lørenskog",
        98800000,
        "Merkeverksted Lørenskog",
        "Skårersletta 50",
        "1473",
        ("bil_laerling", "bilpleie", "bilskade", "yff_bil"),
    ),
    EmployerSpec(
        "SNØ",
        98900000,
        "SNØ innendørs skianlegg",
        "Snøveien 1",
        "1470",
        ("sno_anlegg", "sno_kafe", "kundeservice"),
    ),
    EmployerSpec(
        "Nitor Vital",
        99000000,
        "Nitor Vital helsesenter",
        "Solheimveien 10",
        "1473",
        ("helsesekretaer", "helse_praksis", "sykehusrenhold"),
    ),
    EmployerSpec(
        "Butikkene på Metro Lørenskog",
        99100000,
        "Metro Lørenskog",
        "Solheimveien 2",
        "1473",
        ("butikk_metro", "sprak_butikk", "frisor", "yff_salg"),
    ),
    EmployerSpec(
        "Butikkene på Triaden",
        99200000,
        "Triaden Lørenskog Storsenter",
        "Gamleveien 88",
        "1476",
        ("butikk_metro", "sprak_butikk", "frisor"),
    ),
    EmployerSpec(
        "Lørenskog kommune som arbeidsgiver",
        99300000,
        "Lørenskog rådhus",
        "Trondheimsveien 100",
        "1470",
        (
            "barnehage",
            "barnehage_sprak",
            "vaktmester",
            "kantine",
            "park",
            "helse_praksis",
            "sprak_kjokken",
            "yff_helse",
            "laerekandidat_renhold",
            "helsesekretaer",
            "it_drift",
        ),
        description="Kommunen tar inn lærlinger i helse, oppvekst, drift og kjøkken.",
    ),
    EmployerSpec(
        "Romerike Bygg AS (demo)",
        99400000,
        "Byggeplass Skårer",
        "Skårerveien 1",
        "1473",
        ("tomrer", "elektriker", "vaktmester"),
    ),
]

PENDING_EMPLOYER = EmployerSpec(
    "Demo Bakeri Lørenskog AS",
    99500000,
    "Bakeriet",
    "Gamleveien 1",
    "1476",
    (),
    description="Venter på godkjenning i demoen.",
)


@dataclass(frozen=True)
class Archetype:
    kinds: tuple[str, ...]
    goals: str
    skills: tuple[str, ...]
    occupations: tuple[str, ...]
    experience: str
    education: str
    levels: tuple[str, ...]
    programme: str


ARCHETYPES = [
    Archetype(
        ("apprenticeship", "work_practice"),
        "Vil bli helsefagarbeider og jobbe med eldre på sykehjem eller sykehus.",
        ("eldreomsorg", "pasientstell", "samarbeid"),
        ("helsearbeiderfaget",),
        "Omsorg for familiemedlem i flere år.",
        "Vg1 helse- og oppvekstfag",
        ("B1", "B2"),
        "ungdomsgaranti",
    ),
    Archetype(
        ("work_practice", "language_practice"),
        "Ønsker praksis innen omsorg. Har jobbet som pleier i hjemlandet.",
        ("pasientstell", "maltidshjelp", "arabisk"),
        ("pleieassistent", "helsearbeiderfaget"),
        "Sykepleierassistent i fem år i Syria.",
        "Videregående skole i hjemlandet",
        ("A2", "B1"),
        "introduksjonsprogrammet",
    ),
    Archetype(
        ("work_training", "work_practice"),
        "Vil jobbe på lager eller terminal, gjerne med truck.",
        ("plukk_og_pakk", "lasting_og_lossing", "fysisk_arbeid"),
        ("logistikkfaget", "lagermedarbeider"),
        "Sesongarbeid på lager.",
        "Grunnskole",
        ("A2", "B1"),
        "arbeidsavklaringspenger",
    ),
    Archetype(
        ("apprenticeship",),
        "Drømmer om fagbrev i logistikk og å ta truckførerbevis.",
        ("varemottak", "strekkodeskanner", "punktlighet"),
        ("logistikkfaget",),
        "Deltid i butikk med varemottak.",
        "Vg2 salg, service og reiseliv",
        ("B1", "B2"),
        "ungdomsgaranti",
    ),
    Archetype(
        ("language_practice", "work_practice"),
        "Vil lære norsk på en arbeidsplass med matlaging. Var kokk i Eritrea.",
        ("matlaging", "baking", "tigrinja"),
        ("kokkfaget", "kjokkenassistent"),
        "Kokk på restaurant i Asmara.",
        "Fagutdanning kokk",
        ("A1", "A2"),
        "introduksjonsprogrammet",
    ),
    Archetype(
        ("apprenticeship", "work_training"),
        "Vil bli kokk, helst i storkjøkken eller kantine.",
        ("matlaging", "mattrygghet", "oppvask"),
        ("kokkfaget", "institusjonskokkfaget"),
        "Kjøkkenhjelp i kantine.",
        "Vg1 restaurant- og matfag",
        ("B1", "B2", "C1"),
        "kvalifiseringsprogrammet",
    ),
    Archetype(
        ("apprenticeship",),
        "Interessert i biler og elbiler, vil bli bilmekaniker.",
        ("bilservice", "dekkskift", "handverktoy"),
        ("bilfaget_lette",),
        "Skrudd på egen bil og hjulpet på dekkhotell.",
        "Vg1 teknologi- og industrifag",
        ("B1", "B2"),
        "ungdomsgaranti",
    ),
    Archetype(
        ("work_training",),
        "Ønsker arbeidstrening med bilpleie eller klargjøring av biler.",
        ("bilpleie", "fysisk_arbeid", "polsk"),
        ("bilfaget_lette",),
        "Bilvask i Polen.",
        "Yrkesskole i Polen",
        ("A1", "A2"),
        "other",
    ),
    Archetype(
        ("apprenticeship", "work_practice"),
        "Vil jobbe i butikk med salg og kundeservice, gjerne elektronikk.",
        ("kundeservice", "salg", "kassearbeid"),
        ("salgsfaget", "butikkmedarbeider"),
        "Helgejobb i kiosk.",
        "Vg2 salg, service og reiseliv",
        ("B1", "B2", "C1"),
        "ungdomsgaranti",
    ),
    Archetype(
        ("language_practice",),
        "Vil ha språkpraksis i butikk for å bli tryggere på norsk.",
        ("varepafylling", "ukrainsk", "russisk"),
        ("butikkmedarbeider",),
        "Butikksjef i Kharkiv.",
        "Universitet (økonomi)",
        ("A1", "A2"),
        "introduksjonsprogrammet",
    ),
    Archetype(
        ("work_training", "work_practice"),
        "Vil jobbe med kunder på telefon og chat, helst hjemmefra deler av uka.",
        ("telefonhenvendelser", "kundeservice", "digitale_ferdigheter"),
        ("kundeservicemedarbeider",),
        "Callsenter i to år.",
        "Videregående, studiespesialisering",
        ("B2", "C1"),
        "arbeidsavklaringspenger",
    ),
    Archetype(
        ("apprenticeship",),
        "Liker data og vil ta fagbrev i IT-drift eller utvikling.",
        ("brukerstotte", "pc_reparasjon", "programmering"),
        ("it_driftsfaget", "it_utviklerfaget"),
        "Hjelper familie og venner med PC.",
        "Vg1 informasjonsteknologi og medieproduksjon",
        ("B1", "B2", "C1"),
        "ungdomsgaranti",
    ),
    Archetype(
        ("work_training", "training_candidate"),
        "Ønsker fast arbeid med renhold, gjerne på sykehus.",
        ("renhold", "avfallshandtering", "somali"),
        ("renholdsoperatorfaget", "renholder"),
        "Renhold i hotell.",
        "Grunnskole",
        ("A1", "A2"),
        "introduksjonsprogrammet",
    ),
    Archetype(
        ("apprenticeship", "language_practice"),
        "Vil jobbe i barnehage og ta fagbrev som barne- og ungdomsarbeider.",
        ("omsorg_for_barn", "lek_og_aktiviteter", "dari_persisk"),
        ("barne_og_ungdomsarbeiderfaget", "barnehageassistent"),
        "Lærer i barneskole i Afghanistan.",
        "Lærerutdanning",
        ("A2", "B1", "B2"),
        "introduksjonsprogrammet",
    ),
    Archetype(
        ("work_training",),
        "Vil jobbe ute med park, hage eller vaktmesterarbeid.",
        ("hagearbeid", "snorydding", "handverktoy"),
        ("anleggsgartnerfaget", "vaktmester"),
        "Gårdsarbeid.",
        "Grunnskole",
        ("A1", "A2", "B1"),
        "arbeidsavklaringspenger",
    ),
    Archetype(
        ("apprenticeship",),
        "Vil bli tømrer eller jobbe i bygg.",
        ("tomrerarbeid", "handverktoy", "elektroverktoy"),
        ("tomrerfaget", "betongfaget"),
        "Hjelpearbeider på byggeplass.",
        "Vg1 bygg- og anleggsteknikk",
        ("B1", "B2"),
        "ungdomsgaranti",
    ),
    Archetype(
        ("work_training", "work_practice"),
        "Ønsker kontorjobb med resepsjon, timebestilling og arkiv.",
        ("kontorarbeid", "arkiv", "excel"),
        ("kontor_og_administrasjonsfaget", "helsesekretaer"),
        "Sekretær i advokatfirma.",
        "Bachelor i administrasjon",
        ("B2", "C1"),
        "arbeidsavklaringspenger",
    ),
    Archetype(
        ("work_training",),
        "Vil jobbe i produksjon, på linje eller med pakking.",
        ("produksjonslinje", "kvalitetskontroll", "skiftarbeid"),
        ("industriell_matproduksjon", "produksjonsteknikkfaget"),
        "Fabrikkarbeid i Litauen.",
        "Yrkesskole",
        ("A2", "B1"),
        "other",
    ),
    Archetype(
        ("school_placement",),
        "Elev på Vg1 som vil prøve yrket før valg av Vg2.",
        ("samarbeid",),
        ("salgsfaget", "helsearbeiderfaget"),
        "Ingen arbeidserfaring.",
        "Vg1",
        ("B2", "C1"),
        "other",
    ),
    Archetype(
        ("work_practice", "language_practice"),
        "Vil jobbe med gjester på et idrettsanlegg eller i kafé.",
        ("gjestebehandling", "servering", "engelsk"),
        ("idrettsanlegg", "servitorfaget"),
        "Servitør på hotell.",
        "Videregående",
        ("A2", "B1"),
        "introduksjonsprogrammet",
    ),
]

FIRST_NAMES = [
    "Amina",
    "Jonas",
    "Sara",
    "Mohammed",
    "Ingrid",
    "Yonas",
    "Olena",
    "Emil",
    "Fatima",
    "Mateusz",
    "Nora",
    "Ahmad",
    "Leah",
    "Omar",
    "Hanna",
    "Tesfay",
    "Ida",
    "Dmytro",
    "Marte",
    "Abdi",
]
POSTAL_CODES = [
    "1470",
    "1471",
    "1472",
    "1473",
    "1474",
    "1475",
    "1476",
    "1477",
    "1478",
    "2010",
    "2013",
    "2005",
    "2000",
    "1480",
    "0976",
    "1086",
]
ADAPTATION_NEEDS = [
    (),
    (),
    (),
    (),
    ("reduced_hours",),
    ("flexible_hours",),
    ("mentor",),
    ("language_support",),
    ("quiet_workspace",),
    ("step_free_access",),
]


@dataclass
class DemoUsers:
    emails: dict[str, str] = field(default_factory=dict)


DEMO_LOGINS = {
    "admin": ("admin@" + DEMO_DOMAIN, "Demo Admin (Lørenskog kommune)"),
    "employer": ("arbeidsgiver@" + DEMO_DOMAIN, "Demo Arbeidsgiver (Ahus)"),
    "caseworker": ("veileder.nav@" + DEMO_DOMAIN, "Demo Veileder (NAV Lørenskog)"),
    "caseworker_refugee": (
        "veileder.flyktning@" + DEMO_DOMAIN,
        "Demo Veileder (Flyktningtjenesten)",
    ),
    "school": ("skole@" + DEMO_DOMAIN, "Demo Koordinator (Lørenskog vgs.)"),
    "employer_pending": ("ventende@" + DEMO_DOMAIN, "Demo Bakersjef (venter på godkjenning)"),
}


def _get_or_create(model, lookup: dict, **values):
    obj = db.session.scalar(select(model).filter_by(**lookup))
    if obj is None:
        obj = model(**lookup, **values)
        db.session.add(obj)
        db.session.flush()
    return obj


def _organisation(kind, name, org_prefix=None, *, approved=True, **values) -> Organisation:
    org_number = valid_org_number(org_prefix) if org_prefix else None
    return _get_or_create(
        Organisation,
        {"name": name},
        kind=kind,
        org_number=org_number,
        municipality="Lørenskog",
        approved_at=DEMO_CONSENT_AT if approved else None,
        **values,
    )


def _user(organisation, key, *, is_admin=True) -> User:
    email, name = DEMO_LOGINS[key]
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        return existing
    user = User(
        organisation=organisation,
        email=email,
        name=name,
        password_hash=hash_password(DEMO_PASSWORD),
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    return user


def _site(organisation, spec: EmployerSpec) -> Site:
    place = db.session.get(PostalPlace, spec.postal_code)
    return _get_or_create(
        Site,
        {"organisation_id": organisation.id, "name": spec.site_name},
        address=spec.address,
        postal_code=spec.postal_code,
        latitude=place.latitude,
        longitude=place.longitude,
    )


def _slot(organisation, site, key, index, creator) -> Slot:
    spec = SLOTS[key]
    existing = db.session.scalar(
        select(Slot).where(
            Slot.organisation_id == organisation.id,
            Slot.title == spec.title,
            Slot.site_id == site.id,
        )
    )
    if existing is not None:
        return existing
    start = DEMO_ANCHOR + timedelta(weeks=2 * (index % 12))
    length = timedelta(weeks=104 if spec.kind == "apprenticeship" else 12)
    slot = Slot(
        organisation=organisation,
        site=site,
        kind=spec.kind,
        title=spec.title,
        occupation_code=spec.occupation,
        description=spec.description,
        norwegian_level=spec.level,
        hours_per_week=spec.hours,
        start_date=start,
        end_date=start + length,
        capacity=spec.capacity,
        status=SlotStatus.DRAFT if index % 15 == 14 else SlotStatus.OPEN,
        contact_name=creator.name if creator else "",
        created_by_id=creator.id if creator else None,
        skills=[db.session.get(Skill, code) for code in spec.skills],
        adaptations=[db.session.get(Adaptation, code) for code in spec.adaptations],
    )
    db.session.add(slot)
    return slot


def _candidates(
    owner: Organisation,
    caseworker: User,
    count: int,
    rng: random.Random,
    prefix: str,
    archetypes: list[Archetype],
) -> None:
    for number in range(1, count + 1):
        archetype = archetypes[(number - 1) % len(archetypes)]
        # Draw every value before looking the row up, so the sequence is the same on every run.
        first = rng.choice(FIRST_NAMES)
        initial = rng.choice("ABDEFHKLMNORST")
        level = rng.choice(archetype.levels)
        postal = rng.choice(POSTAL_CODES)
        commute = rng.choice([5, 10, 15, 20, 30, None])
        hours = rng.choice([20, 25, 30, 37])
        needs = rng.choice(ADAPTATION_NEEDS)
        consented = rng.random() < 0.85
        available = DEMO_ANCHOR + timedelta(weeks=rng.randint(0, 20))
        reference = f"{prefix}-{number:03d}"
        exists = db.session.scalar(
            select(Candidate.id).where(
                Candidate.organisation_id == owner.id, Candidate.reference_code == reference
            )
        )
        if exists:
            continue
        db.session.add(
            Candidate(
                organisation=owner,
                caseworker=caseworker,
                reference_code=reference,
                display_name=f"Demo {first} {initial}.",
                programme=archetype.programme,
                goals=archetype.goals,
                experience=archetype.experience,
                education=archetype.education,
                norwegian_level=level,
                home_postal_code=postal,
                max_commute_km=commute,
                hours_per_week=hours,
                available_from=available,
                notes="Oppfunnet demoperson.",
                consent_at=DEMO_CONSENT_AT if consented else None,
                consent_scope="Deling av profil med arbeidsgivere i Arbeidsbro"
                if consented
                else "",
                kinds=[db.session.get(SlotKind, k) for k in archetype.kinds],
                skills=[db.session.get(Skill, s) for s in archetype.skills],
                occupations=[db.session.get(Occupation, o) for o in archetype.occupations],
                adaptation_needs=[db.session.get(Adaptation, a) for a in needs],
            )
        )


def seed_demo() -> dict[str, int]:
    """Load taxonomies and the whole demo; return counts of what the demo now holds."""
    load_taxonomies()
    rng = random.Random(RANDOM_SEED)

    municipality = _organisation(OrganisationKind.MUNICIPALITY, "Lørenskog kommune", 97500000)
    _user(municipality, "admin")
    nav = _organisation(OrganisationKind.NAV_OFFICE, "NAV Lørenskog", None)
    nav_user = _user(nav, "caseworker")
    refugee = _organisation(
        OrganisationKind.REFUGEE_SERVICE, "Flyktning- og innvandrertjenesten Lørenskog", None
    )
    refugee_user = _user(refugee, "caseworker_refugee")
    school = _organisation(OrganisationKind.SCHOOL, "Lørenskog videregående skole", 97600000)
    _user(school, "school")
    _organisation(OrganisationKind.SCHOOL, "Mailand videregående skole", 97700000)

    slot_index = 0
    for number, spec in enumerate(EMPLOYERS):
        employer = _organisation(
            OrganisationKind.EMPLOYER,
            spec.name,
            spec.org_prefix,
            open_to_schools=spec.open_to_schools,
            description=spec.description,
        )
        creator = _user(employer, "employer") if number == 0 else None
        site = _site(employer, spec)
        for key in spec.slots:
            _slot(employer, site, key, slot_index, creator)
            slot_index += 1
    pending = _organisation(
        OrganisationKind.EMPLOYER,
        PENDING_EMPLOYER.name,
        PENDING_EMPLOYER.org_prefix,
        approved=False,
        description=PENDING_EMPLOYER.description,
    )
    _user(pending, "employer_pending")

    nav_archetypes = [a for a in ARCHETYPES if a.programme != "introduksjonsprogrammet"]
    refugee_archetypes = [a for a in ARCHETYPES if a.programme == "introduksjonsprogrammet"]
    _candidates(nav, nav_user, 50, rng, "NAV", nav_archetypes)
    _candidates(refugee, refugee_user, 30, rng, "FIT", refugee_archetypes)
    seed_schools()
    db.session.commit()
    return {
        "organisations": db.session.query(Organisation).count(),
        "users": db.session.query(User).count(),
        "slots": db.session.query(Slot).count(),
        "candidates": db.session.query(Candidate).count(),
    }
