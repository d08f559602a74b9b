//! The life of a letter request: which step may follow which. Who may take a step (the
//! resident, an official, the signer) is checked by the service; this is only the order.

use serde::{Deserialize, Serialize};

/// The stored words live in the kernel, beside the entities that store them.
pub use crate::kit::letter::Status;

/// A step in the life of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// The resident sends a (completed) request.
    Submit,
    /// The RT/RW approves.
    ApproveRt,
    /// An official sends it back to the resident, with the reason.
    SendBack,
    /// An official has checked it: on to the signer.
    Forward,
    /// The kades or sekdes signs: number, PDF, QR.
    Sign,
    /// Handed over / received.
    Complete,
    /// Refused, with the reason.
    Reject,
    /// The resident withdraws it, with the reason.
    Cancel,
    /// The kades withdraws a signed letter, with the reason (shown on the verification page).
    Revoke,
}

impl Step {
    pub fn needs_reason(self) -> bool {
        matches!(self, Step::SendBack | Step::Reject | Step::Cancel | Step::Revoke)
    }
}

/// The status after `step`, for a village with (`rt_step`) or without the RT/RW approval.
///
/// # Errors
/// Why the step cannot be taken now, in words for the person who tried.
pub fn next(now: Status, step: Step, rt_step: bool) -> Result<Status, &'static str> {
    use Status::*;
    match (step, now) {
        (Step::Submit, BelumLengkap) => Ok(if rt_step { MenungguRt } else { Diperiksa }),
        (Step::ApproveRt, MenungguRt) => Ok(Diperiksa),
        (Step::SendBack, Diperiksa | MenungguRt | MenungguTtd) => Ok(BelumLengkap),
        (Step::Forward, Diperiksa) => Ok(MenungguTtd),
        (Step::Sign, MenungguTtd) => Ok(Siap),
        (Step::Complete, Siap) => Ok(Selesai),
        (Step::Revoke, Siap | Selesai) => Ok(Dicabut),
        (Step::Revoke, Dicabut) => Err("Surat ini sudah dicabut."),
        (Step::Revoke, _) => Err("Hanya surat yang sudah ditandatangani yang dapat dicabut."),
        (Step::Reject | Step::Cancel, s) if s.before_signing() => {
            Ok(if step == Step::Reject { Ditolak } else { Dibatalkan })
        }
        (_, s) if s.is_final() => Err("Permohonan ini sudah selesai, ditolak, dibatalkan, atau dicabut."),
        (Step::Reject | Step::Cancel | Step::SendBack, Siap) => {
            Err("Surat ini sudah ditandatangani; tidak dapat dikembalikan, ditolak, atau dibatalkan.")
        }
        (Step::Submit, _) => Err("Permohonan ini sudah dikirim."),
        (Step::ApproveRt, _) => Err("Permohonan ini tidak sedang menunggu persetujuan RT/RW."),
        (Step::Forward, MenungguRt) => Err("Permohonan ini masih menunggu persetujuan RT/RW."),
        (Step::Forward, _) => Err("Hanya permohonan yang sedang diperiksa yang dapat diteruskan untuk ditandatangani."),
        (Step::Sign, _) => Err("Permohonan ini belum siap ditandatangani."),
        (Step::Complete, _) => Err("Surat ini belum ditandatangani."),
        (Step::SendBack, _) => Err("Permohonan ini tidak dapat dikembalikan sekarang."),
        (Step::Reject | Step::Cancel, _) => Err("Permohonan ini tidak dapat diubah lagi."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    const STEPS: [Step; 9] = [
        Step::Submit,
        Step::ApproveRt,
        Step::SendBack,
        Step::Forward,
        Step::Sign,
        Step::Complete,
        Step::Reject,
        Step::Cancel,
        Step::Revoke,
    ];

    #[test]
    fn the_usual_path_and_the_rt_path() {
        let mut s = BelumLengkap;
        for (step, want) in
            [(Step::Submit, Diperiksa), (Step::Forward, MenungguTtd), (Step::Sign, Siap), (Step::Complete, Selesai)]
        {
            s = next(s, step, false).unwrap();
            assert_eq!(s, want);
        }
        assert_eq!(next(BelumLengkap, Step::Submit, true), Ok(MenungguRt));
        assert_eq!(next(MenungguRt, Step::ApproveRt, true), Ok(Diperiksa));
        assert_eq!(next(MenungguRt, Step::Forward, true), Err("Permohonan ini masih menunggu persetujuan RT/RW."));
    }

    /// Every (status, step) pair: exactly the allowed ones succeed; every refusal has a reason.
    #[test]
    fn every_transition_allowed_or_refused() {
        let allowed = [
            (BelumLengkap, Step::Submit),
            (MenungguRt, Step::ApproveRt),
            (Diperiksa, Step::SendBack),
            (MenungguRt, Step::SendBack),
            (MenungguTtd, Step::SendBack),
            (Diperiksa, Step::Forward),
            (MenungguTtd, Step::Sign),
            (Siap, Step::Complete),
            (Siap, Step::Revoke),
            (Selesai, Step::Revoke),
        ];
        for s in Status::ALL {
            for step in STEPS {
                let result = next(s, step, false);
                let expect_ok =
                    allowed.contains(&(s, step)) || (matches!(step, Step::Reject | Step::Cancel) && s.before_signing());
                assert_eq!(result.is_ok(), expect_ok, "{s:?} + {step:?} = {result:?}");
                if let Err(reason) = result {
                    assert!(!reason.is_empty());
                }
            }
        }
        assert_eq!(
            next(Siap, Step::Cancel, false),
            Err("Surat ini sudah ditandatangani; tidak dapat dikembalikan, ditolak, atau dibatalkan.")
        );
        assert_eq!(
            next(Selesai, Step::Sign, false),
            Err("Permohonan ini sudah selesai, ditolak, dibatalkan, atau dicabut.")
        );
        assert_eq!(next(Dicabut, Step::Revoke, false), Err("Surat ini sudah dicabut."));
        assert_eq!(next(Dicabut, Step::Complete, false).map_err(|_| ()), Err(()), "nothing follows a revocation");
    }

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("hilang"), None);
    }
}
