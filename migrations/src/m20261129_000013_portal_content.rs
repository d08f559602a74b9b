//! What officials keep on their village's portal besides articles: the people on the profile
//! (perangkat desa, in order, with a photo), announcements that end on a day, the agenda, and the
//! village budget (APBDes) per year, one row per budget line with its planned and realised
//! amounts. The profile's texts live in `villages.settings` (section `profil`).

use sea_orm_migration::{prelude::*, schema::*};

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn village_fk<T: IntoIden + Copy + 'static>(table: T, col: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Villages::Table, Villages::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VillagePeople::Table)
                    .if_not_exists()
                    .col(big_pk_auto(VillagePeople::Id))
                    .col(big_integer(VillagePeople::VillageId))
                    .col(string_len(VillagePeople::Name, 100))
                    .col(string_len(VillagePeople::Title, 100))
                    .col(integer(VillagePeople::Position))
                    .col(string_len_null(VillagePeople::PhotoKey, 200))
                    .foreign_key(&mut village_fk(VillagePeople::Table, VillagePeople::VillageId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_village_people_village",
            VillagePeople::Table,
            &[VillagePeople::VillageId, VillagePeople::Position],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Announcements::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Announcements::Id))
                    .col(big_integer(Announcements::VillageId))
                    .col(string_len(Announcements::Title, 150))
                    .col(text(Announcements::Body))
                    // Shown up to and including this day (WIB).
                    .col(date(Announcements::EndsOn))
                    .col(timestamp_with_time_zone(Announcements::CreatedAt))
                    .foreign_key(&mut village_fk(Announcements::Table, Announcements::VillageId))
                    .to_owned(),
            )
            .await?;
        let shown = [Announcements::VillageId, Announcements::EndsOn];
        index(manager, "idx_announcements_village_end", Announcements::Table, &shown).await?;

        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Events::Id))
                    .col(big_integer(Events::VillageId))
                    .col(string_len(Events::Title, 150))
                    // The day and, when known, the time (WIB, "HH:MM").
                    .col(date(Events::Day))
                    .col(string_len_null(Events::Time, 5))
                    .col(string_len(Events::Place, 150))
                    .col(text(Events::Note))
                    .col(timestamp_with_time_zone(Events::CreatedAt))
                    .foreign_key(&mut village_fk(Events::Table, Events::VillageId))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_events_village_day", Events::Table, &[Events::VillageId, Events::Day]).await?;

        manager
            .create_table(
                Table::create()
                    .table(BudgetLines::Table)
                    .if_not_exists()
                    .col(big_pk_auto(BudgetLines::Id))
                    .col(big_integer(BudgetLines::VillageId))
                    .col(integer(BudgetLines::Year))
                    // A code of the fixed list in `portal::budget` ("pendapatan.dana_desa"…).
                    .col(string_len(BudgetLines::Line, 60))
                    // Whole rupiah.
                    .col(big_integer(BudgetLines::Planned))
                    .col(big_integer(BudgetLines::Realised))
                    .col(timestamp_with_time_zone(BudgetLines::UpdatedAt))
                    .foreign_key(&mut village_fk(BudgetLines::Table, BudgetLines::VillageId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_budget_lines_village_year_line")
                    .table(BudgetLines::Table)
                    .col(BudgetLines::VillageId)
                    .col(BudgetLines::Year)
                    .col(BudgetLines::Line)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [BudgetLines::Table.into_iden(), Events::Table.into_iden(), Announcements::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager.drop_table(Table::drop().table(VillagePeople::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Villages {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum VillagePeople {
    Table,
    Id,
    VillageId,
    Name,
    Title,
    Position,
    PhotoKey,
}

#[derive(DeriveIden, Clone, Copy)]
enum Announcements {
    Table,
    Id,
    VillageId,
    Title,
    Body,
    EndsOn,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Events {
    Table,
    Id,
    VillageId,
    Title,
    Day,
    Time,
    Place,
    Note,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum BudgetLines {
    Table,
    Id,
    VillageId,
    Year,
    Line,
    Planned,
    Realised,
    UpdatedAt,
}
