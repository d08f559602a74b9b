use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "residents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub family_id: Option<i64>,
    pub nik: String,
    pub name: String,
    pub sex: String,
    pub birth_place: String,
    pub birth_date: Date,
    pub religion: String,
    pub education: String,
    pub occupation: String,
    pub marital_status: String,
    pub relationship: String,
    pub status: crate::kit::resident::Status,
    pub rt_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub education_current: String,
    pub citizenship: String,
    pub blood_type: String,
    pub father_nik: Option<String>,
    pub father_name: Option<String>,
    pub mother_nik: Option<String>,
    pub mother_name: Option<String>,
    pub disability: Option<String>,
    pub phone: Option<String>,
    /// JSON object of the import format's other columns (documents, KB, e-KTP, insurance, …).
    pub documents: Option<String>,
    /// `name` in lower case, for search.
    pub name_key: String,
}

/// Joins for reads that would otherwise take a query each (the session lookup, a resident's profile).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::family::Entity", from = "Column::FamilyId", to = "super::family::Column::Id")]
    Family,
    #[sea_orm(
        belongs_to = "super::resident_pin::Entity",
        from = "Column::Id",
        to = "super::resident_pin::Column::ResidentId"
    )]
    Pin,
}

impl Related<super::family::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Family.def()
    }
}

impl Related<super::resident_pin::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Pin.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
