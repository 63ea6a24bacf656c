//! The ICO report form's questions beyond what happened and whose data: the nature of
//! the breach (confidentiality, integrity or availability), the incident type in the
//! ICO's own list, the measures already in place, and other countries or regulators.

text_enum!(
    /// What happened to the data (UK GDPR article 4(12)).
    BreachNature, "nature", {
        Destruction => "destruction",
        Loss => "loss",
        Alteration => "alteration",
        UnauthorisedDisclosure => "unauthorised_disclosure",
        UnauthorisedAccess => "unauthorised_access",
    }
);

impl BreachNature {
    /// Which of confidentiality, integrity and availability it breached.
    pub fn aspect(self) -> &'static str {
        match self {
            Self::Destruction | Self::Loss => "availability",
            Self::Alteration => "integrity",
            Self::UnauthorisedDisclosure | Self::UnauthorisedAccess => "confidentiality",
        }
    }
}

text_enum!(
    /// How it happened, in the incident types the ICO uses for reports.
    IncidentType, "incident_type", {
        DataEmailedToIncorrectRecipient => "data_emailed_to_incorrect_recipient",
        DataPostedToIncorrectRecipient => "data_posted_or_faxed_to_incorrect_recipient",
        FailureToUseBcc => "failure_to_use_bcc",
        FailureToRedact => "failure_to_redact",
        LossOrTheftOfDevice => "loss_or_theft_of_device",
        LossOrTheftOfPaperwork => "loss_or_theft_of_paperwork_or_data_left_insecure",
        IncorrectDisposalOfHardware => "incorrect_disposal_of_hardware",
        IncorrectDisposalOfPaperwork => "incorrect_disposal_of_paperwork",
        VerbalDisclosure => "verbal_disclosure",
        AlterationOfPersonalData => "alteration_of_personal_data",
        WrongDataShownInPortal => "data_of_wrong_person_shown_in_portal",
        OtherNonCyber => "other_non_cyber",
        Phishing => "phishing",
        Ransomware => "ransomware",
        Malware => "malware",
        BruteForce => "brute_force_attack",
        DenialOfService => "denial_of_service",
        Misconfiguration => "hardware_or_software_misconfiguration",
        CryptographicFlaw => "cryptographic_flaw",
        UnauthorisedAccess => "unauthorised_access",
        SupplyChainAttack => "supply_chain_attack",
        OtherCyber => "other_cyber",
    }
);

impl IncidentType {
    /// Whether the ICO counts it as a cyber incident.
    pub fn is_cyber(self) -> bool {
        matches!(
            self,
            Self::Phishing
                | Self::Ransomware
                | Self::Malware
                | Self::BruteForce
                | Self::DenialOfService
                | Self::Misconfiguration
                | Self::CryptographicFlaw
                | Self::UnauthorisedAccess
                | Self::SupplyChainAttack
                | Self::OtherCyber
        )
    }

    /// As a form's option reads it.
    pub fn label(self) -> String {
        self.sentence()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natures_name_what_they_breach_and_incident_types_say_if_cyber() {
        let aspects: Vec<&str> = BreachNature::ALL.iter().map(|n| n.aspect()).collect();
        assert_eq!(
            aspects,
            [
                "availability",
                "availability",
                "integrity",
                "confidentiality",
                "confidentiality"
            ]
        );
        assert!(IncidentType::Ransomware.is_cyber());
        assert!(!IncidentType::DataEmailedToIncorrectRecipient.is_cyber());
        assert_eq!(IncidentType::FailureToUseBcc.label(), "Failure to use bcc");
        for incident in IncidentType::ALL {
            assert_eq!(
                incident
                    .as_str()
                    .parse::<IncidentType>()
                    .expect("round trip"),
                *incident
            );
        }
        assert_eq!(
            "hacked"
                .parse::<IncidentType>()
                .expect_err("unknown")
                .field(),
            "incident_type"
        );
    }
}
