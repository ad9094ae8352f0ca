"""The words of the production file's choices (meal kinds, waste streams, vehicles …) as they read
in line labels and messages, marked for translation.

``term(kind, value)`` is a :class:`~shootprint.i18n.Message` whose English text is the value as
labels always wrote it (underscores as spaces) and whose French comes from the catalogs. A value
without an entry here reads as written, in every language.
"""

from __future__ import annotations

from shootprint.i18n import N_, Message

TERMS: dict[str, dict[str, str]] = {
    "meal": {
        "mixed": N_("mixed"),
        "vegan": N_("vegan"),
        "vegetarian": N_("vegetarian"),
        "plant_based_chicken": N_("plant based chicken"),
        "plant_based_beef": N_("plant based beef"),
        "chicken": N_("chicken"),
        "beef": N_("beef"),
        "meat_based_chicken": N_("meat based chicken"),
        "meat_based_beef": N_("meat based beef"),
        "fish": N_("fish"),
        "oily_fish": N_("oily fish"),
    },
    "drink": {
        "coffee": N_("coffee"),
        "tea": N_("tea"),
        "soft_drink": N_("soft drink"),
        "juice": N_("juice"),
        "bottled_water": N_("bottled water"),
    },
    "snack": {
        "mixed": N_("mixed"),
        "fruit": N_("fruit"),
        "biscuits": N_("biscuits"),
        "pastry": N_("pastry"),
        "crisps": N_("crisps"),
        "chocolate_bar": N_("chocolate bar"),
        "nuts": N_("nuts"),
    },
    "fuel": {
        "diesel": N_("diesel"),
        "hvo": N_("hvo"),
        "petrol": N_("petrol"),
        "hybrid": N_("hybrid"),
        "electric": N_("electric"),
        "lpg": N_("lpg"),
        "unknown": N_("unknown"),
    },
    "garment": {
        "shirt_cotton": N_("shirt cotton"),
        "shirt_viscose": N_("shirt viscose"),
        "jeans": N_("jeans"),
        "t_shirt_cotton": N_("t shirt cotton"),
        "t_shirt_polyester": N_("t shirt polyester"),
        "polo": N_("polo"),
        "sweater_acrylic": N_("sweater acrylic"),
        "sweater_wool": N_("sweater wool"),
        "sweater_recycled_cotton": N_("sweater recycled cotton"),
        "sweatshirt": N_("sweatshirt"),
        "fleece": N_("fleece"),
        "coat": N_("coat"),
        "jacket_rain": N_("jacket rain"),
        "jacket_faux_leather": N_("jacket faux leather"),
        "dress_cotton": N_("dress cotton"),
        "dress_polyester": N_("dress polyester"),
        "dress_viscose": N_("dress viscose"),
        "shoes_leather": N_("shoes leather"),
        "shoes_fabric": N_("shoes fabric"),
        "shoes_sport": N_("shoes sport"),
    },
    "cabin": {
        "economy": N_("economy"),
        "premium_economy": N_("premium economy"),
        "business": N_("business"),
        "first": N_("first"),
    },
    "haul": {
        "domestic": N_("domestic"),
        "international": N_("international"),
        "short_haul": N_("short-haul"),
        "long_haul": N_("long-haul"),
    },
    "size": {"small": N_("small"), "medium": N_("medium"), "large": N_("large")},
    "vehicle": {"van": N_("van"), "rigid": N_("rigid"), "articulated": N_("articulated")},
    "network": {"fixed": N_("fixed"), "mobile": N_("mobile")},
    "hosting": {"local": N_("local"), "cloud": N_("cloud"), "api": N_("api")},
    "material": {
        "timber": N_("timber"),
        "plywood": N_("plywood"),
        "mdf": N_("mdf"),
        "osb": N_("osb"),
        "particle_board": N_("particle board"),
        "steel": N_("steel"),
        "aluminium": N_("aluminium"),
        "plastic": N_("plastic"),
        "polystyrene": N_("polystyrene"),
        "pvc": N_("pvc"),
        "paint": N_("paint"),
        "textile": N_("textile"),
        "cardboard": N_("cardboard"),
        "glass": N_("glass"),
        "plasterboard": N_("plasterboard"),
    },
    "stream": {
        "mixed": N_("mixed"),
        "mixed_construction": N_("mixed construction"),
        "wood": N_("wood"),
        "cardboard": N_("cardboard"),
        "plastic": N_("plastic"),
        "metal": N_("metal"),
        "aluminium": N_("aluminium"),
        "glass": N_("glass"),
        "food": N_("food"),
        "textile": N_("textile"),
    },
    "treatment": {
        "landfill": N_("landfill"),
        "incineration": N_("incineration"),
        "recycling": N_("recycling"),
        "composting": N_("composting"),
        "anaerobic_digestion": N_("anaerobic digestion"),
        "average": N_("average"),
        "not_recycled": N_("not recycled"),
    },
    "spend": {
        "travel": N_("travel"),
        "freight": N_("freight"),
        "accommodation": N_("accommodation"),
        "catering": N_("catering"),
        "energy": N_("energy"),
        "sets": N_("sets"),
        "equipment": N_("equipment"),
        "post_production": N_("post production"),
        "waste": N_("waste"),
        "spend": N_("spend"),
        "ai": N_("ai"),
    },
}


#: what each intensity of a footprint divides: the whole total of the production, not a share of it
INTENSITY_NAMES: dict[str, str] = {
    "per_still_image_kgco2e": N_("per still image (whole total ÷ images)"),
    "per_film_second_kgco2e": N_("per film second (whole total ÷ seconds)"),
    "per_shoot_day_kgco2e": N_("per shoot day (whole total ÷ days)"),
}


def term(kind: str, value: str) -> str:
    """``value`` of the choice ``kind`` as a word of a label (a Message when it has an entry)."""
    text = TERMS.get(kind, {}).get(value)
    return Message(text) if text is not None else value.replace("_", " ")
