//! The `single-region` rule: every located component sits in one region,
//! zone or data center.

use crate::analysis::Analysis;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Diagram;
use crate::rules::RuleMeta;

#[doc = include_str!("single_region.md")]
pub static META: RuleMeta = RuleMeta {
    name: "single-region",
    code: "SPOF002",
    default_severity: Severity::Error,
    summary: "every component sits in one region, zone or data center",
    docs: include_str!("single_region.md"),
};

/// The finding for the diagram's single location, if it has one.
pub fn check(diagram: &Diagram, a: &Analysis) -> Vec<Diagnostic> {
    let Some(r) = &a.single_region else {
        return Vec::new();
    };
    let sg = &diagram.subgraphs[r.subgraph];
    let title = crate::vocab::clean_text(&sg.title);
    let severity = if r.every_entry {
        Severity::Error
    } else {
        Severity::Warning
    };
    let scope = if r.every_entry {
        "every entry fails with it"
    } else {
        "some entries fail with it"
    };
    let plural = if r.components == 1 { "" } else { "s" };
    let mut d = Diagnostic::new(
        META.name,
        META.code,
        severity,
        sg.span,
        format!(
            "\"{title}\" is a single point of failure: all {} located component{plural} sit in this one location; {scope}",
            r.components
        ),
    )
    .with_help("run the system in a second region or zone with failover between them (replicas there, and DNS or global load balancing in front)");
    d.subgraph = Some(sg.id.as_str().into());
    vec![d]
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::{diagram, findings_with};
    use crate::config::Settings;

    fn regions(src: &str) -> Vec<String> {
        findings_with(src, &Settings::default())
            .into_iter()
            .filter(|f| f.0 == "single-region")
            .map(|f| format!("{}:{}", f.1, f.2))
            .collect()
    }

    const TWO_AZ_ONE_REGION: &str = "flowchart LR\n  Users --> LB[Load Balancer]:::ha\n  subgraph use1 [us-east-1]\n    subgraph aza [AZ a]\n      S1[Server 1]\n    end\n    subgraph azb [AZ b]\n      S2[Server 2]\n    end\n  end\n  LB --> S1 & S2\n";

    #[test]
    fn twins_in_one_region_do_not_help() {
        assert_eq!(regions(TWO_AZ_ONE_REGION), ["use1:error"]);
        let d = diagram(TWO_AZ_ONE_REGION);
        let f = crate::rules::check_diagram(&d, &Settings::default());
        let r = f.iter().find(|x| x.rule == "single-region").unwrap();
        assert_eq!(
            &TWO_AZ_ONE_REGION[r.span.start..r.span.end],
            "subgraph use1 [us-east-1]"
        );
        assert_eq!(r.code, "SPOF002");
        assert!(r.message.contains("us-east-1"), "{}", r.message);
        assert!(r.help.as_ref().unwrap().text().contains("second region"));
    }

    #[test]
    fn innermost_shared_location_is_reported() {
        let src = "flowchart LR\n  Users --> LB[Load Balancer]:::ha\n  subgraph r [Region West]\n    subgraph z [Zone A]\n      S1[Server 1]\n      S2[Server 2]\n    end\n  end\n  LB --> S1 & S2\n";
        assert_eq!(regions(src), ["z:error"]);
    }

    #[test]
    fn two_locations_are_not_a_single_one() {
        let src = "flowchart LR\n  Users --> DNS[Route 53]\n  subgraph a [Data center Frankfurt]\n    S1[Server 1]\n  end\n  subgraph b [Data center Dublin]\n    S2[Server 2]\n  end\n  DNS --> S1 & S2\n";
        assert_eq!(regions(src), Vec::<String>::new());
    }

    #[test]
    fn locations_by_title_or_id() {
        for header in [
            "subgraph eu-west-2",
            "subgraph x [Primary DC]",
            "subgraph x [Site 1]",
            "subgraph x [Availability Zone 1]",
            "subgraph x [us-central1-a]",
            "subgraph x [Region]",
        ] {
            let src = format!("flowchart LR\n  Users --> LB[Load Balancer]:::ha\n  {header}\n    S1[Server 1]\n    S2[Server 2]\n  end\n  LB --> S1 & S2\n");
            assert_eq!(regions(&src).len(), 1, "{header}");
        }
    }

    #[test]
    fn security_zones_are_not_locations() {
        for title in ["DMZ", "Demilitarized zone", "Trust zone"] {
            let src = format!("flowchart LR\n  Users --> LB[Load Balancer]:::ha\n  subgraph x [{title}]\n    S1[Server 1]\n    S2[Server 2]\n  end\n  LB --> S1 & S2\n");
            assert_eq!(regions(&src), Vec::<String>::new(), "{title}");
        }
    }

    #[test]
    fn warning_when_only_some_entries_depend_on_the_location() {
        let src = "flowchart LR\n  Users --> Web[Web Servers x3] --> DB[(Postgres HA)]\n  Ops[Operators] --> Adm\n  subgraph r [us-east-1]\n    Adm[Admin Servers x2]\n  end\n";
        assert_eq!(regions(src), ["r:warning"]);
    }

    #[test]
    fn titles_spanning_several_locations_are_not_one() {
        for title in [
            "Private Subnets (Multi-AZ)",
            "VPC - 3 AZs",
            "Cloud Storage (Multi-Region)",
        ] {
            let src = format!("flowchart LR\n  Users --> LB[Load Balancer]:::ha\n  subgraph x [{title}]\n    S1[Server 1]\n    S2[Server 2]\n  end\n  LB --> S1 & S2\n");
            assert_eq!(regions(&src), Vec::<String>::new(), "{title}");
        }
    }

    #[test]
    fn no_locations_no_finding() {
        let src = "flowchart LR\n  Users --> LB[Load Balancer]:::ha\n  subgraph web [Web tier]\n    S1[Server 1]\n    S2[Server 2]\n  end\n  LB --> S1 & S2\n";
        assert_eq!(regions(src), Vec::<String>::new());
    }
}
