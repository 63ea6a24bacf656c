//! The ICO's categories: of data, of people, and the answers and ratings a report and
//! an assessment give.

text_enum!(
    /// The kinds of personal data involved, as the ICO's breach report form lists them.
    DataCategory, "data_categories", {
        BasicIdentifiers => "basic_identifiers",
        IdentificationData => "identification_data",
        Financial => "financial",
        OfficialDocuments => "official_documents",
        Location => "location",
        Health => "health",
        RacialOrEthnicOrigin => "racial_or_ethnic_origin",
        PoliticalOpinions => "political_opinions",
        ReligiousBeliefs => "religious_beliefs",
        TradeUnionMembership => "trade_union_membership",
        Genetic => "genetic",
        Biometric => "biometric",
        SexLife => "sex_life",
        SexualOrientation => "sexual_orientation",
        GenderReassignment => "gender_reassignment",
        CriminalOffences => "criminal_offences",
        NotYetKnown => "not_yet_known",
        Other => "other",
        SexLifeOrOrientation => "sex_life_or_orientation",
        GeneticOrBiometric => "genetic_or_biometric",
    }
);

impl DataCategory {
    /// The categories a report offers: all but the two combined ones earlier reports
    /// used (`sex_life_or_orientation`, `genetic_or_biometric`), which are still read.
    pub fn offered() -> &'static [Self] {
        &Self::ALL[..Self::ALL.len() - 2]
    }

    /// Special category data (UK GDPR article 9) and criminal offence data (article
    /// 10): shown to school admins only when granted. Gender reassignment data is
    /// treated as special too: the ICO counts it so where it reveals health or sex life,
    /// and it must be handled with the same care either way.
    pub fn is_special(self) -> bool {
        matches!(
            self,
            Self::Health
                | Self::RacialOrEthnicOrigin
                | Self::PoliticalOpinions
                | Self::ReligiousBeliefs
                | Self::TradeUnionMembership
                | Self::Genetic
                | Self::Biometric
                | Self::SexLife
                | Self::SexualOrientation
                | Self::GenderReassignment
                | Self::SexLifeOrOrientation
                | Self::GeneticOrBiometric
                | Self::CriminalOffences
        )
    }

    /// How the ICO's form words it.
    pub fn label(self) -> &'static str {
        match self {
            Self::BasicIdentifiers => "Basic personal identifiers",
            Self::IdentificationData => "Identification data (e.g. usernames, passwords)",
            Self::Financial => "Economic and financial data",
            Self::OfficialDocuments => "Official documents",
            Self::Location => "Location data",
            Self::Health => "Health data",
            Self::RacialOrEthnicOrigin => "Racial or ethnic origin",
            Self::ReligiousBeliefs => "Religious or philosophical beliefs",
            Self::PoliticalOpinions => "Political opinions",
            Self::TradeUnionMembership => "Trade union membership",
            Self::Genetic => "Genetic data",
            Self::Biometric => "Biometric data",
            Self::SexLife => "Sex life",
            Self::SexualOrientation => "Sexual orientation",
            Self::GenderReassignment => "Gender reassignment data",
            Self::SexLifeOrOrientation => "Sex life or sexual orientation",
            Self::GeneticOrBiometric => "Genetic or biometric data",
            Self::CriminalOffences => "Criminal convictions and offences",
            Self::NotYetKnown => "Not yet known",
            Self::Other => "Other",
        }
    }
}

text_enum!(
    /// Whose data it is.
    PeopleCategory, "people_categories", {
        Pupils => "pupils",
        Staff => "staff",
        Parents => "parents",
        Governors => "governors",
        VulnerableAdults => "vulnerable_adults",
        NotYetKnown => "not_yet_known",
        Other => "other",
    }
);

impl PeopleCategory {
    /// The ICO form's data subject types these people are.
    pub fn ico_types(self) -> &'static [&'static str] {
        match self {
            Self::Pupils => &["Children", "Students"],
            Self::Staff => &["Employees"],
            Self::Parents => &["Other (parents and carers)"],
            Self::Governors => &["Other (governors and trustees)"],
            Self::VulnerableAdults => &["Vulnerable adults"],
            Self::NotYetKnown => &["Not yet known"],
            Self::Other => &["Other"],
        }
    }
}

text_enum!(
    /// Yes, no or don't know: whether a cyber incident caused it, whether a member of
    /// staff was involved, whether the data is recovered or contained.
    Answer, "answer", {
        Yes => "yes",
        No => "no",
        Unknown => "unknown",
    }
);

text_enum!(
    /// How likely harm is, or how bad it would be.
    Rating, "rating", {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
);

text_enum!(
    /// The DPO's conclusion: what decides whether the ICO and the people must be told.
    RiskLevel, "risk_level", {
        NoLikelyRisk => "no_likely_risk",
        Risk => "risk",
        HighRisk => "high_risk",
    }
);

text_enum!(
    /// Others the trust told.
    OtherParty, "others_told", {
        Police => "police",
        ActionFraud => "action_fraud",
        Dfe => "dfe",
        Insurer => "insurer",
        LocalAuthority => "local_authority",
        Ncsc => "ncsc",
        TrustBoard => "trust_board",
        Other => "other",
    }
);

impl OtherParty {
    /// As the breach page and the register name them.
    pub fn label(self) -> &'static str {
        match self {
            Self::Police => "the police",
            Self::ActionFraud => "Action Fraud",
            Self::Dfe => "the Department for Education",
            Self::Insurer => "the Risk Protection Arrangement or insurer",
            Self::LocalAuthority => "the local authority",
            Self::Ncsc => "the National Cyber Security Centre",
            Self::TrustBoard => "the trust board",
            Self::Other => "another body",
        }
    }
}

text_enum!(
    /// Why the people affected need not each be told of a high-risk breach (UK GDPR
    /// article 34(3)).
    SubjectsException, "subjects_exception", {
        Unintelligible => "unintelligible",
        RiskRemoved => "risk_removed",
        Disproportionate => "disproportionate",
    }
);

impl SubjectsException {
    pub fn label(self) -> &'static str {
        match self {
            Self::Unintelligible => {
                "the data was unintelligible to anyone not authorised to see it, e.g. encrypted (article 34(3)(a))"
            }
            Self::RiskRemoved => {
                "measures taken since mean the high risk is no longer likely (article 34(3)(b))"
            }
            Self::Disproportionate => {
                "telling each person would take disproportionate effort: a public notice instead (article 34(3)(c))"
            }
        }
    }
}
