"""The vocabulary the demo content is written from: a policy and security group blog.

Plain data only; ``demo.content`` turns it into authors, categories, tags and posts. Everything
here is invented (people, quotes, links to personal sites use the reserved ``.example`` domain),
except the public institutions cited as sources, which link to their home pages.
"""

SITE_NAME = "Ciphers & Statecraft"
SITE_TAGLINE = (
    "Security, surveillance and the law of new technology, argued by people who work on it"
)
SITE_DESCRIPTION = (
    "A group blog on cyber operations, surveillance, technology policy, arms control, sanctions, "
    "election security, critical infrastructure and international law."
)

# (name, url): public institutions, linked to their home pages.
SOURCES = {
    "cisa": ("CISA", "https://www.cisa.gov/"),
    "nist": ("NIST", "https://www.nist.gov/"),
    "enisa": ("ENISA", "https://www.enisa.europa.eu/"),
    "ncsc": ("the UK National Cyber Security Centre", "https://www.ncsc.gov.uk/"),
    "eurlex": ("EUR-Lex", "https://eur-lex.europa.eu/"),
    "fedreg": ("the Federal Register", "https://www.federalregister.gov/"),
    "congress": ("Congress.gov", "https://www.congress.gov/"),
    "unoda": ("the UN Office for Disarmament Affairs", "https://disarmament.unoda.org/"),
    "nato": ("NATO", "https://www.nato.int/"),
    "icrc": ("the International Committee of the Red Cross", "https://www.icrc.org/"),
    "bis": ("the Bureau of Industry and Security", "https://www.bis.gov/"),
    "ofac": ("OFAC", "https://ofac.treasury.gov/"),
    "coe": ("the Council of Europe", "https://www.coe.int/"),
    "edpb": ("the European Data Protection Board", "https://www.edpb.europa.eu/"),
    "pclob": ("the Privacy and Civil Liberties Oversight Board", "https://www.pclob.gov/"),
    "eac": ("the Election Assistance Commission", "https://www.eac.gov/"),
    "iaea": ("the IAEA", "https://www.iaea.org/"),
    "un": ("the United Nations", "https://www.un.org/"),
}

# Each category: its description, the category its posts are most often also filed under, the
# colours of its illustrations, and what its posts are about.
# A subject is (phrase used in sentences, tags it brings).
CATEGORIES = [
    {
        "name": "Cyber Operations",
        "description": "Offensive and defensive operations in cyberspace: who conducts them, under "
        "what authorities, and with what effect.",
        "related": 7,
        "palette": ("#0b1f3a", "#127a8a", "#7fe0e8"),
        "subjects": [
            ("ransomware disruption", ["Ransomware", "Cybercrime"]),
            ("persistent engagement", ["Cyber Command", "Military Doctrine"]),
            ("attribution of state-sponsored intrusions", ["Attribution", "Nation-State Threats"]),
            ("offensive cyber operations", ["Offensive Cyber", "Military Doctrine"]),
            ("cyber deterrence", ["Deterrence", "Nation-State Threats"]),
            ("the market for zero-day exploits", ["Zero-Days", "Vulnerability Disclosure"]),
            ("hack-back proposals", ["Active Defense", "Cybercrime"]),
            ("cyber operations in armed conflict", ["Law of Armed Conflict", "Offensive Cyber"]),
            ("botnet takedowns", ["Botnets", "Law Enforcement"]),
            ("intelligence-led cyber defence", ["Threat Intelligence", "Intelligence Community"]),
        ],
        "actors": [
            "US Cyber Command",
            "the UK's National Cyber Force",
            "Europol",
            "NATO",
            "the Justice Department",
        ],
        "instruments": [
            "the new national cyber strategy",
            "the latest joint advisory",
            "the revised targeting directive",
            "the updated defence cyber doctrine",
            "the coordinated takedown operation",
        ],
        "sources": ["cisa", "ncsc", "nato"],
    },
    {
        "name": "Surveillance & Privacy",
        "description": "Government access to data, intelligence oversight, encryption, and the "
        "privacy rights that limit them.",
        "related": 2,
        "palette": ("#2e1437", "#8c2f62", "#f4a7b9"),
        "subjects": [
            ("Section 702 reauthorization", ["FISA", "Section 702"]),
            ("lawful access to encrypted data", ["Encryption", "Lawful Access"]),
            ("facial recognition in policing", ["Facial Recognition", "Policing"]),
            ("data broker purchases by intelligence agencies", ["Data Brokers", "Oversight"]),
            ("transatlantic data transfers", ["Data Transfers", "GDPR"]),
            ("client-side scanning", ["Encryption", "Child Safety"]),
            ("bulk interception powers", ["Bulk Collection", "Investigatory Powers Act"]),
            ("geofence warrants", ["Fourth Amendment", "Location Data"]),
            ("intelligence oversight boards", ["Oversight", "Intelligence Community"]),
            ("biometric border checks", ["Biometrics", "Border Security"]),
        ],
        "actors": [
            "Congress",
            "the European Commission",
            "the Privacy and Civil Liberties Oversight Board",
            "the Home Office",
            "the European Data Protection Board",
        ],
        "instruments": [
            "the reauthorization bill",
            "the draft adequacy decision",
            "the new code of practice",
            "the latest transparency report",
            "the proposed regulation",
        ],
        "sources": ["pclob", "edpb", "congress", "eurlex"],
    },
    {
        "name": "Technology Policy",
        "description": "AI governance, platform regulation, open source, and the rules that shape "
        "how software is built and sold.",
        "related": 1,
        "palette": ("#10302a", "#2f7d5b", "#b8e6a0"),
        "subjects": [
            ("AI model evaluations", ["Artificial Intelligence", "AI Safety"]),
            ("the EU AI Act", ["AI Act", "Artificial Intelligence"]),
            ("software liability", ["Software Liability", "Secure by Design"]),
            ("open-source security funding", ["Open Source", "Software Supply Chain"]),
            ("platform transparency rules", ["Digital Services Act", "Platforms"]),
            ("memory-safe programming languages", ["Memory Safety", "Secure by Design"]),
            ("software bills of materials", ["SBOM", "Software Supply Chain"]),
            ("cloud concentration risk", ["Cloud Security", "Systemic Risk"]),
            (
                "vulnerability disclosure rules",
                ["Vulnerability Disclosure", "Cyber Resilience Act"],
            ),
            ("AI-enabled cyber threats", ["Artificial Intelligence", "Threat Intelligence"]),
        ],
        "actors": [
            "the European Commission",
            "NIST",
            "the White House",
            "ENISA",
            "the major cloud providers",
        ],
        "instruments": [
            "the Cyber Resilience Act",
            "the draft code of practice",
            "the new secure-by-design pledge",
            "the proposed reporting rules",
            "the national AI strategy",
        ],
        "sources": ["nist", "enisa", "eurlex"],
    },
    {
        "name": "Arms Control",
        "description": "Nuclear, space and autonomous weapons: treaties, verification, and the "
        "technologies that strain them.",
        "related": 7,
        "palette": ("#1d1d22", "#6b4e16", "#f2b84b"),
        "subjects": [
            ("autonomous weapons systems", ["Autonomous Weapons", "Arms Control"]),
            ("nuclear command and control", ["Nuclear Weapons", "Command and Control"]),
            ("the future of New START", ["New START", "Nuclear Weapons"]),
            ("counterspace capabilities", ["Space Security", "Anti-Satellite Weapons"]),
            ("verification technologies", ["Verification", "Arms Control"]),
            ("hypersonic missiles", ["Hypersonics", "Missile Defense"]),
            ("AI in nuclear decision-making", ["Artificial Intelligence", "Nuclear Weapons"]),
            ("drone proliferation", ["Drones", "Proliferation"]),
            ("biosecurity and dual-use research", ["Biosecurity", "Dual-Use Research"]),
            ("the nuclear test ban", ["Nuclear Testing", "CTBT"]),
        ],
        "actors": [
            "the Conference on Disarmament",
            "the State Department",
            "the IAEA",
            "NATO",
            "the UN Secretary-General",
        ],
        "instruments": [
            "the draft political declaration",
            "the review conference's final document",
            "the latest nuclear posture review",
            "the proposed testing moratorium",
            "the new verification protocol",
        ],
        "sources": ["unoda", "iaea", "icrc"],
    },
    {
        "name": "Sanctions & Export Controls",
        "description": "Economic statecraft: sanctions, export controls, investment screening, and "
        "how they are enforced.",
        "related": 2,
        "palette": ("#3a0f14", "#a23b2a", "#f7b267"),
        "subjects": [
            ("semiconductor export controls", ["Export Controls", "Semiconductors"]),
            ("secondary sanctions", ["Sanctions", "Secondary Sanctions"]),
            ("outbound investment screening", ["Investment Screening", "Economic Security"]),
            ("sanctions evasion through third countries", ["Sanctions Evasion", "Enforcement"]),
            ("the entity list", ["Entity List", "Export Controls"]),
            ("crypto-asset sanctions enforcement", ["Cryptocurrency", "Sanctions"]),
            ("the oil price cap", ["Price Cap", "Energy Security"]),
            ("spyware export licensing", ["Spyware", "Export Controls"]),
            ("frozen central bank assets", ["Frozen Assets", "Sanctions"]),
            ("dual-use goods enforcement", ["Dual-Use Goods", "Enforcement"]),
        ],
        "actors": [
            "the Commerce Department",
            "the Treasury",
            "the European Union",
            "the G7",
            "OFAC",
        ],
        "instruments": [
            "the latest rule on advanced computing",
            "the new sanctions package",
            "the outbound investment rule",
            "the enforcement advisory",
            "the updated control list",
        ],
        "sources": ["bis", "ofac", "fedreg"],
    },
    {
        "name": "Elections & Democracy",
        "description": "Election security, influence operations, and the institutions that keep "
        "votes trustworthy.",
        "related": 1,
        "palette": ("#1b1f5e", "#3d5ab8", "#a9d6ff"),
        "subjects": [
            ("election infrastructure security", ["Election Security", "Critical Infrastructure"]),
            ("foreign influence operations", ["Influence Operations", "Disinformation"]),
            ("deepfakes in political campaigns", ["Deepfakes", "Disinformation"]),
            ("post-election audits", ["Election Audits", "Election Security"]),
            ("political advertising rules", ["Political Advertising", "Platforms"]),
            ("threats to election officials", ["Election Officials", "Political Violence"]),
            ("voter data protection", ["Voter Data", "Privacy"]),
            ("coordinated inauthentic behaviour", ["Influence Operations", "Platforms"]),
            ("campaign cybersecurity", ["Campaign Security", "Phishing"]),
            ("information integrity during crises", ["Disinformation", "Crisis Communication"]),
        ],
        "actors": [
            "the Election Assistance Commission",
            "CISA",
            "state election officials",
            "the European Commission",
            "the major platforms",
        ],
        "instruments": [
            "the new election security guidance",
            "the voluntary platform accord",
            "the draft political advertising rules",
            "the post-election review",
            "the updated threat assessment",
        ],
        "sources": ["eac", "cisa", "coe"],
    },
    {
        "name": "Critical Infrastructure",
        "description": "Power grids, water, health care, telecoms and undersea cables: resilience "
        "and the regulation of essential services.",
        "related": 0,
        "palette": ("#0e2f33", "#1f6f6b", "#f3d56b"),
        "subjects": [
            ("grid resilience", ["Energy Grid", "Resilience"]),
            ("water utility cybersecurity", ["Water Sector", "Critical Infrastructure"]),
            ("ransomware against hospitals", ["Health Care", "Ransomware"]),
            ("undersea cable security", ["Undersea Cables", "Telecommunications"]),
            ("incident reporting mandates", ["Incident Reporting", "Regulation"]),
            ("operational technology security", ["Operational Technology", "Industrial Control"]),
            ("satellite communications resilience", ["Satellites", "Telecommunications"]),
            ("port and shipping cybersecurity", ["Maritime Security", "Supply Chains"]),
            ("the NIS2 directive", ["NIS2", "Regulation"]),
            ("pre-positioned intrusions in utilities", ["Nation-State Threats", "Resilience"]),
        ],
        "actors": [
            "CISA",
            "the Energy Department",
            "ENISA",
            "the UK's National Cyber Security Centre",
            "national regulators",
        ],
        "instruments": [
            "the incident reporting rule",
            "the NIS2 transposition laws",
            "the sector risk management plan",
            "the new minimum security standards",
            "the joint resilience exercise",
        ],
        "sources": ["cisa", "enisa", "ncsc"],
    },
    {
        "name": "International Law",
        "description": "How the law of armed conflict, sovereignty and human rights apply to new "
        "security problems.",
        "related": 0,
        "palette": ("#14213d", "#4a4e8c", "#fca311"),
        "subjects": [
            ("sovereignty in cyberspace", ["Sovereignty", "International Law"]),
            ("due diligence obligations", ["Due Diligence", "State Responsibility"]),
            ("the UN cybercrime convention", ["Cybercrime Convention", "United Nations"]),
            (
                "countermeasures against cyber operations",
                ["Countermeasures", "State Responsibility"],
            ),
            ("protecting civilians from cyber operations", ["Humanitarian Law", "Civilians"]),
            ("the Tallinn Manual", ["Tallinn Manual", "International Law"]),
            (
                "advisory opinions of the ICJ",
                ["International Court of Justice", "International Law"],
            ),
            (
                "human rights due diligence for tech firms",
                ["Human Rights", "Corporate Accountability"],
            ),
            ("neutrality law and cyber support", ["Neutrality", "Law of Armed Conflict"]),
            ("digital evidence of war crimes", ["Accountability", "Digital Evidence"]),
        ],
        "actors": [
            "the UN General Assembly",
            "the International Committee of the Red Cross",
            "the Open-Ended Working Group",
            "the Council of Europe",
            "national legal advisers",
        ],
        "instruments": [
            "the latest national position paper",
            "the draft convention text",
            "the new ICRC guidance",
            "the working group's consensus report",
            "the advisory opinion",
        ],
        "sources": ["icrc", "coe", "un"],
    },
]

# Regions: (how sentences say it, its tag, whether sentences may call it an ally).
REGIONS = [
    ("Europe", "Europe", True),
    ("the United States", "United States", True),
    ("the United Kingdom", "United Kingdom", True),
    ("China", "China", False),
    ("Russia", "Russia", False),
    ("Ukraine", "Ukraine", True),
    ("Japan", "Japan", True),
    ("India", "India", False),
    ("Taiwan", "Taiwan", False),
    ("South Korea", "South Korea", True),
    ("Australia", "Australia", True),
    ("Canada", "Canada", True),
    ("Brazil", "Brazil", False),
    ("Germany", "Germany", True),
    ("France", "France", True),
    ("the Baltic states", "Baltic States", True),
    ("the Nordic countries", "Nordic Countries", True),
    ("the Gulf states", "Gulf States", False),
    ("Southeast Asia", "Southeast Asia", False),
    ("sub-Saharan Africa", "Africa", False),
    ("Latin America", "Latin America", False),
    ("Israel", "Israel", False),
    ("Iran", "Iran", False),
    ("North Korea", "North Korea", False),
]

# Authors: username, first and last name, the categories they mostly write about (indexes into
# CATEGORIES), how prolific they are (relative weight), their staff role (editor, author who
# publishes their own posts, contributor whose posts an editor reviews), avatar colour, bio.
AUTHORS = [
    {
        "username": "mokafor",
        "first_name": "Margaret",
        "last_name": "Okafor",
        "role": "editor",
        "beats": [7, 1],
        "weight": 18,
        "colour": "#8c2f62",
        "bio": "Margaret Okafor is the editor-in-chief. She spent twelve years as a national "
        "security lawyer, most recently advising on **intelligence oversight** and the law of "
        "armed conflict, and now teaches a seminar on cyber conflict and international law.\n\n"
        "She is working on a book about state responsibility for operations in cyberspace.",
    },
    {
        "username": "dwhitford",
        "first_name": "Daniel",
        "last_name": "Whitford",
        "role": "editor",
        "beats": [0, 2],
        "weight": 13,
        "colour": "#127a8a",
        "bio": "Daniel Whitford is a senior editor. Before joining the blog he ran a threat "
        "intelligence team and worked on incident response for a telecoms operator. He writes "
        "about **cyber operations**, ransomware and the economics of vulnerabilities.",
    },
    {
        "username": "isolberg",
        "first_name": "Ingrid",
        "last_name": "Solberg",
        "role": "author",
        "beats": [2, 1],
        "weight": 11,
        "colour": "#2f7d5b",
        "bio": "Ingrid Solberg covers European digital regulation: the AI Act, the Cyber "
        "Resilience Act and the GDPR in practice. She previously worked as a policy officer on "
        "data protection and is a fellow at a research centre on *technology and the law*.",
    },
    {
        "username": "twojcik",
        "first_name": "Tomasz",
        "last_name": "Wójcik",
        "role": "author",
        "beats": [0, 7],
        "weight": 10,
        "colour": "#3d5ab8",
        "bio": "Tomasz Wójcik writes about cyber operations in Eastern Europe and NATO's eastern "
        "flank. He is a former officer in a national CERT and holds a doctorate in "
        "international relations.",
    },
    {
        "username": "praman",
        "first_name": "Priya",
        "last_name": "Raman",
        "role": "author",
        "beats": [1, 5],
        "weight": 9,
        "colour": "#a23b2a",
        "bio": "Priya Raman is a privacy lawyer who writes about surveillance, encryption and "
        "the Fourth Amendment. She has testified on **Section 702** and location-data "
        "purchases, and volunteers with a digital security clinic for journalists.",
    },
    {
        "username": "sachterberg",
        "first_name": "Samuel",
        "last_name": "Achterberg",
        "role": "author",
        "beats": [3, 4],
        "weight": 8,
        "colour": "#6b4e16",
        "bio": "Samuel Achterberg is an arms control analyst. He spent eight years on nuclear "
        "verification and now follows autonomous weapons, counterspace capabilities and the "
        "treaties that try to keep up with them.",
    },
    {
        "username": "lhaddad",
        "first_name": "Leila",
        "last_name": "Haddad",
        "role": "contributor",
        "beats": [4, 7],
        "weight": 7,
        "colour": "#4a4e8c",
        "bio": "Leila Haddad writes about sanctions, export controls and the Middle East. She "
        "was a sanctions compliance officer at an international bank and now researches "
        "*economic statecraft* and its humanitarian exemptions.",
    },
    {
        "username": "kmorimoto",
        "first_name": "Kenji",
        "last_name": "Morimoto",
        "role": "contributor",
        "beats": [4, 3, 2],
        "weight": 6,
        "colour": "#1f6f6b",
        "bio": "Kenji Morimoto covers technology competition in the Indo-Pacific: semiconductors, "
        "export controls and the security of supply chains. He previously reported on trade "
        "policy from Tokyo and Washington.",
    },
    {
        "username": "abrennan",
        "first_name": "Aisling",
        "last_name": "Brennan",
        "role": "contributor",
        "beats": [6, 0],
        "weight": 5,
        "colour": "#0b1f3a",
        "bio": "Aisling Brennan is an engineer who has spent her career securing power grids and "
        "water systems. She writes about **critical infrastructure**, operational technology and "
        "what incident reports do and do not tell us.",
    },
    {
        "username": "moyelaran",
        "first_name": "Marcus",
        "last_name": "Oyelaran",
        "role": "contributor",
        "beats": [5, 6],
        "weight": 4,
        "colour": "#8a5a9c",
        "bio": "Marcus Oyelaran writes about election security and influence operations. He "
        "advised state election officials on risk assessments and audits, and studies how "
        "platforms respond to coordinated campaigns.",
    },
]

TITLES = [
    "What {instrument} Means for {subject}",
    "The Limits of {subject}",
    "{subject}: Three Questions for {actor}",
    "Why {actor} Should Rethink {subject}",
    "Reading the Fine Print of {instrument}",
    "The Governance Problem at the Heart of {subject}",
    "A Primer on {subject}",
    "The Case for a Narrower Approach to {subject}",
    "{subject} After {instrument}",
    "The View From {region} on {subject}",
    "The Quiet Expansion of {subject}",
    "Assessing {actor}'s Record on {subject}",
    "{subject}: What We Learned This Year",
    "The Overlooked Costs of {subject}",
    "Five Myths About {subject}",
    "Who Decides on {subject}?",
]

EXCERPTS = [
    "The argument over {subject} is back. Here is what {instrument} changes, and what it leaves "
    "open.",
    "A close reading of {instrument} and what it means for {subject}.",
    "Hard choices on {subject} lie ahead for {actor}. The easy ones have already been made.",
    "Why the debate over {subject} in {region} matters well beyond its borders.",
    "The arguments for and against {subject}, and the evidence behind them.",
    "The debate on {subject} has outgrown the institutions meant to settle it. What would work "
    "better?",
]

LEDES = [
    "For most of the past decade, {subject} was a concern for a handful of specialists. That is "
    "no longer true.",
    "The question of {subject} has moved from the margins of the {category} debate to its centre, "
    "leaving {actor} to catch up.",
    "When {actor} set out {instrument}, the reaction was split between relief and alarm.",
    "There is a familiar pattern to arguments about {subject}: a crisis, a burst of proposals, and "
    "then a long silence.",
    "Few issues expose the gap between what governments say and what they do as clearly as "
    "{subject}.",
    "The latest round of debate over {subject} has produced more heat than light.",
]

SENTENCES = [
    "The underlying problem is not a lack of rules but a lack of agreement on who enforces them.",
    "{Instrument} is an attempt to settle who does what, but it leaves the hardest cases to "
    "future guidance.",
    "Officials in {region} have watched closely, and several have signalled that they intend to "
    "take a different path.",
    "Critics argue that the current approach to {subject} rewards speed over accountability; "
    "supporters reply that the alternative is paralysis.",
    "The text is shorter than its predecessors, and that is both its strength and its weakness.",
    "What matters most is how the vaguer provisions are read by {actor} once the attention has "
    "moved elsewhere.",
    "It would be a mistake to treat this as a purely technical dispute: the choices involved are "
    "about power, and about who bears the cost when things go wrong.",
    "Industry has largely welcomed the approach, although its comments dwell on compliance costs "
    "rather than outcomes.",
    "Civil society groups have been more sceptical, pointing to the absence of independent "
    "oversight.",
    "The numbers are hard to pin down, because much of the relevant reporting remains classified "
    "or voluntary.",
    "None of this is new. What is new is the scale, and the speed at which policy on {subject} "
    "now moves from proposal to practice.",
    "The comparison with {other} is instructive: there, too, early promises outran institutional "
    "capacity.",
    "Lawyers will spend years arguing about the definitions; practitioners do not have that "
    "luxury.",
    "A modest framework, consistently applied, would do more good than an ambitious one honoured "
    "mainly in the breach.",
    "The tools to act are within reach of {actor}. The open question is whether the political "
    "will to use them is there too.",
    "Allies in {ally} will read the decision as a signal, whether or not it was meant as one.",
    "The most persuasive objections are not about principle but about sequencing.",
    "Budgets tell their own story: the money allocated so far is a fraction of what the stated "
    "ambitions would require.",
    "Transparency reports help, but they measure activity, not effect.",
    "If there is a lesson from the past two years, it is that deadlines slip and exceptions "
    "multiply.",
]

# A body has two sections: the first heading comes from the first list, the second from the other.
HEADINGS = (
    ["What changed", "Why it matters", "The legal question", "The view from {region}"],
    [
        "What the critics get right",
        "Where the evidence points",
        "The harder problem",
        "What to watch next",
    ],
)

LIST_INTROS = [
    "Three questions will decide whether this works:",
    "Anyone following {subject} should watch a few things:",
    "The details that matter most are easy to miss:",
]

BULLETS = [
    "**Scope.** Which actors and systems fall under {instrument}, and which are carved out.",
    "**Oversight.** Who reviews decisions, and how quickly problems reach them.",
    "**Enforcement.** Whether the penalties are credible or merely symbolic.",
    "**Timing.** How long the transition periods last, and what happens in the meantime.",
    "**Allies.** How partners in {ally} align their own rules.",
    "**Transparency.** What is published, by whom, and how often.",
    "**Resources.** Whether the agencies involved have the staff to do the work.",
    "**Reporting.** What must be disclosed, to whom, and within how many hours.",
]

# (quote, attribution, indexes of the CATEGORIES it suits): invented people.
QUOTES = [
    (
        "The hardest part of any agreement is not the signing. It is the first time someone has "
        "to enforce it against a friend.",
        "Helena Marsh, former deputy legal adviser to a European foreign ministry",
        [3, 7],
    ),
    (
        "We keep writing rules for the last crisis. The next one will not wait for the "
        "consultation period to close.",
        "Rafael Quintero, incident-response lead at a regional utility",
        [0, 2, 6],
    ),
    (
        "Oversight that only sees what the agency chooses to show it is not oversight; it is a "
        "briefing.",
        "Eleanor Vance, retired judge, in testimony to a parliamentary committee",
        [1],
    ),
    (
        "Attribution is a political decision informed by technical evidence, not the other way "
        "round.",
        "Idris Mensah, retired colonel, speaking at a conference in Tallinn",
        [0, 7],
    ),
    (
        "Export controls work best when they are boring: predictable, narrow and enforced.",
        "Annika Lindqvist, trade compliance consultant",
        [4],
    ),
    (
        "Every exception we grant today becomes a precedent someone will cite tomorrow.",
        "Julian Achebe, professor of international law",
        [1, 4, 7],
    ),
    (
        "The public does not need to know how the capability works. It does need to know the "
        "rules that govern its use.",
        "Mira Castellanos, former inspector-general investigator",
        [0, 1],
    ),
    (
        "Resilience is not glamorous. It is spare parts, trained people and plans that have "
        "actually been tested.",
        "Graham Whitlock, grid operations manager",
        [6],
    ),
    (
        "Sanctions are a message as much as a measure. The question is whether anyone is still "
        "listening.",
        "Farah Nazari, sanctions researcher",
        [4],
    ),
    (
        "Trust in elections is built in the boring months between them.",
        "Bettina Krol, county election administrator",
        [5],
    ),
    (
        "Verification is where arms control succeeds or fails, and it is always the first thing "
        "negotiators trade away.",
        "Pieter de Ruyter, former arms control negotiator",
        [3],
    ),
    (
        "If a safeguard cannot survive contact with a deadline, it was never a safeguard.",
        "Sunita Varma, privacy engineer",
        [1, 2],
    ),
    (
        "Software will not get safer until the people who can fix it are the people who pay when "
        "it fails.",
        "Lena Hartmann, security engineer and former standards delegate",
        [2],
    ),
    (
        "Disinformation thrives wherever institutions are slow to explain themselves.",
        "Omar Siddiqui, former platform integrity lead",
        [5],
    ),
    (
        "Meaningful human control has to mean something at three in the morning, not just in the "
        "policy paper.",
        "Ruth Adeyemi, former weapons-review officer",
        [3],
    ),
    (
        "Most of the grid was designed before anyone imagined it would be attacked over a network.",
        "Tobias Lindgren, control-systems engineer",
        [6],
    ),
    (
        "The law is not silent in cyberspace. States are.",
        "Carmen Ibáñez, legal adviser to a foreign ministry",
        [7],
    ),
]

SOURCE_SENTENCES = [
    "The underlying documents are available from [{source_name}]({source_url}), and they repay "
    "careful reading.",
    "For the primary text, see the material published by [{source_name}]({source_url}).",
    "The official account, published by [{source_name}]({source_url}), is more cautious than the "
    "press coverage suggests.",
]

CLOSINGS = [
    "We will return to {subject} as the details emerge.",
    "The next few months will show whether the ambition survives implementation.",
    "For now, the sensible course is patience, and close reading of the fine print.",
    "Whatever happens next, the argument over {subject} is not going away.",
]

# Featured images are abstract illustrations; the kicker printed on each names the kind of post.
IMAGE_KICKERS = ["Analysis", "Explainer", "Commentary", "Briefing"]
IMAGE_CREDITS = [
    "Noor Kassem / CC BY 4.0",
    "Elias Brandt / CC BY 4.0",
    "Studio Halvorsen / CC BY-SA 4.0",
    "Amara Diallo / CC BY 4.0",
]

# What an editor writes when sending a demo post back to its author.
REVIEW_NOTES = [
    "The second section needs a source for the figures: link the report or the minutes.\n"
    "Cut the introduction to two paragraphs, and add a caption credit for the image.",
    "Good piece. Please check the names of the committees against the official register, and "
    "say in the excerpt which country this is about.",
]
