//! The words of a resident's record that the kernel needs too (a session is only a living
//! resident's); the registry (`population`) owns the rest.

#[cfg(feature = "ssr")]
use sea_orm::sea_query::StringLen;

/// A resident's `status_dasar`, stored as its word (`hidup`, `mati`, `pindah`, `hilang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))"))]
pub enum Status {
    /// Living in the village: the only status that may sign in, ask for letters or sell.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "hidup"))]
    Hidup,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "mati"))]
    Mati,
    /// Moved out (to another village of the deployment or elsewhere).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "pindah"))]
    Pindah,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "hilang"))]
    Hilang,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Hidup, Status::Mati, Status::Pindah, Status::Hilang];

    /// The stored word.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Hidup => "hidup",
            Status::Mati => "mati",
            Status::Pindah => "pindah",
            Status::Hilang => "hilang",
        }
    }

    /// The status of a stored word.
    pub fn parse(word: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == word)
    }
}

/// Where a resident's request to correct their record stands, stored as its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))"))]
pub enum CorrectionStatus {
    /// Waiting for an official.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "baru"))]
    Baru,
    /// Done as asked.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "selesai"))]
    Selesai,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "ditolak"))]
    Ditolak,
}

impl CorrectionStatus {
    /// The stored word.
    pub const fn as_str(self) -> &'static str {
        match self {
            CorrectionStatus::Baru => "baru",
            CorrectionStatus::Selesai => "selesai",
            CorrectionStatus::Ditolak => "ditolak",
        }
    }
}

/// Where a move between two villages of the deployment stands (the destination decides),
/// stored as its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))"))]
pub enum MoveStatus {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "menunggu"))]
    Menunggu,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "diterima"))]
    Diterima,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "ditolak"))]
    Ditolak,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_are_the_stored_ones() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("pergi"), None);
    }
}
