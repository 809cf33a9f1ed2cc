# ruff: noqa: E501  (each paragraph stays one string, exactly as published)
"""The peacekeeper story, every paragraph exactly as in the seed page."""

PARAGRAPHS = (
    "Russian peacekeepers on Wednesday completed their withdrawal from the Nagorno-Karabakh region, which Baku recaptured last year from Armenian separatists, officials in Baku said.",
    "Azerbaijan and Armenia had fought two wars\xa0— first from 1988 to 1994 and then again in 2020\xa0— for control of the then-breakaway enclave.",
    '"The process of the full withdrawal of the manpower, weapons, and equipment of Russia\'s peacekeeping contingent [in Karabakh] from Azerbaijan was completed on June 12," Azerbaijan’s Defense Ministry said in a statement.',
    "Nearly 2,000 Russian peacekeepers had been stationed in Karabakh, in accordance with a ceasefire agreement between Yerevan and Baku, signed in November 2020.\xa0The Russian troops had a mandate to remain until 2025, but Moscow’s war in Ukraine is putting pressure on the country’s armed forces.",
    "The withdrawal, which began in April, had been agreed between Russian President Vladimir Putin and his Azerbaijani counterpart Ilham Aliyev.",
    "Last September, Baku took over the territory in a lightning offensive that triggered a refugee crisis. Almost the entire local population of around 100,000 ethnic Armenians left for Armenia, fearing reprisals and repression.",
    "The peacekeeping contingent did not intervene.",
    "The territory is internationally recognized as part of Azerbaijan despite historically being home to a majority Armenian population. It was controlled by pro-Yerevan separatists for nearly three decades.",
    "The conflict has seen ties sour between traditional allies Russia and Armenia, with Yerevan accusing the Kremlin of failing to protect it in the face of a security threat from Azerbaijan.",
    "After the loss of Karabakh, Yerevan has sought to forge new security alliances by deepening ties with the West.",
    'On Tuesday, Armenian Foreign Minister Ararat Mirzoyan and the United States Assistant Secretary of State for Europe and Eurasia James O\'Brien issued a joint statement saying Washington and Yerevan have agreed to "upgrade the status of our bilateral dialogue to a Strategic Partnership Commission".',
    "Last month, Yerevan returned to Azerbaijan four frontier villages that it had captured in the 1990s.",
    "The move, which Prime Minister Nikol Pashinyan has defended as aimed at securing a definitive peace deal with Baku, sparked a wave of mass protests in Armenia.",
)
