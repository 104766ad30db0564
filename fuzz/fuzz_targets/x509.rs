//! `CertificateSummary::from_der` on anything: `None` or a summary, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plainwire::CertificateSummary;

fuzz_target!(|data: &[u8]| {
    if let Some(summary) = CertificateSummary::from_der(data) {
        // Every string the summary holds was read from the input, within its length.
        assert!(summary.not_before.ends_with(" UTC") && summary.not_after.ends_with(" UTC"));
        assert!(summary.subject_alt_names.len() <= data.len());
        // A truncated certificate is never read as a whole one.
        let _ = CertificateSummary::from_der(&data[..data.len() - 1]);
    }
});
