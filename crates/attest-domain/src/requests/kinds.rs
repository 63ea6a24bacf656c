//! The words a request is described in: its kind, who asked, why the clock stopped,
//! how it ended.

text_enum!(
    /// The right exercised (UK GDPR articles 15–21) or a freedom of information request.
    RequestKind, "kind", {
        SubjectAccess => "subject_access",
        Erasure => "erasure",
        Rectification => "rectification",
        Restriction => "restriction",
        Objection => "objection",
        Portability => "portability",
        Foi => "foi",
    }
);

impl RequestKind {
    pub fn is_foi(self) -> bool {
        self == Self::Foi
    }

    /// The register's prefix: SAR for access, RR for the other rights, FOI.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::SubjectAccess => "SAR",
            Self::Foi => "FOI",
            _ => "RR",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SubjectAccess => "Subject access request",
            Self::Erasure => "Erasure request",
            Self::Rectification => "Rectification request",
            Self::Restriction => "Restriction request",
            Self::Objection => "Objection",
            Self::Portability => "Data portability request",
            Self::Foi => "Freedom of information request",
        }
    }
}

text_enum!(
    /// Who the requester is to the school.
    Relationship, "relationship", {
        DataSubject => "data_subject",
        ParentOrCarer => "parent_or_carer",
        Staff => "staff",
        Representative => "representative",
        MemberOfPublic => "member_of_public",
        Other => "other",
    }
);

text_enum!(
    /// Why the clock stopped.
    PauseReason, "reason", {
        Identity => "identity",
        Clarification => "clarification",
    }
);

text_enum!(
    /// How a request ended.
    Outcome, "outcome", {
        Complied => "complied",
        CompliedInPart => "complied_in_part",
        Refused => "refused",
        NotHeld => "not_held",
        Withdrawn => "withdrawn",
    }
);

text_enum!(
    /// Where a request is: `paused` while identity or clarification is awaited.
    RequestStatus, "status", {
        Open => "open",
        Paused => "paused",
        Answered => "answered",
        Withdrawn => "withdrawn",
    }
);

impl RequestStatus {
    pub fn is_open(self) -> bool {
        matches!(self, Self::Open | Self::Paused)
    }
}
