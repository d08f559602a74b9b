//! Letters: a request from a phone through to the signed PDF and its verification, numbering
//! under concurrent signing, who may take which step, letter types with checked templates, and
//! uploads refused by content.

use crate::common;

use chrono::{Datelike, Utc};
use common::{Backend, Refusal, TestApp, png};
use digdaya::access::guard::Official;
use digdaya::access::session;
use digdaya::auth::{model::Role, service::create_official};
use digdaya::db::entities::{letter_type, resident, village};
use digdaya::error::AppError;
use digdaya::letters::model::Verdict;
use digdaya::letters::service::{self, By};
use digdaya::letters::sign;
use digdaya::letters::status::{Status, Step};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

db_tests!(
    a_request_goes_from_a_phone_to_a_verified_pdf,
    fifty_signings_at_once_get_fifty_consecutive_numbers,
    who_may_take_which_step,
    letter_types_are_checked_when_saved,
    uploads_are_checked_by_content,
    the_letterhead_logo_and_settings,
    a_forged_letter_does_not_verify,
    the_kades_revokes_a_signed_letter,
    older_letters_still_verify_as_the_weaker_form,
);

const PASSWORD: &str = "kopi-tubruk-di-sawah";

async fn official(app: &TestApp, v: &village::Model, username: &str, role: Role) -> (Official, String) {
    let o = create_official(&app.db, Some(v), username, &format!("Pejabat {username}"), role, PASSWORD).await.unwrap();
    let token = session::start_official(&app.db, &o, &Default::default(), Utc::now()).await.unwrap();
    let official =
        Official { id: o.id, village_id: o.village_id, name: o.name.clone(), role, session_id: String::new() };
    (official, format!("digdaya_session={token}"))
}

async fn resident_of(app: &TestApp, v: &village::Model, n: usize) -> (resident::Model, String) {
    common::resident_with_pin(app, v, n).await
}

async fn type_id(app: &TestApp, v: &village::Model, slug: &str) -> i64 {
    service::ensure_types(&app.db, v.id).await.unwrap();
    letter_type::Entity::find()
        .filter(letter_type::Column::VillageId.eq(v.id))
        .filter(letter_type::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn values(pairs: &[(&str, &str)]) -> digdaya::letters::model::Values {
    pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
}

/// Uploads `bytes` as attachment `key` of request `id`; the `Location` it sends the browser to.
async fn upload(app: &TestApp, cookie: &str, id: i64, key: &str, name: &str, bytes: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new()
        .text("lampiran", key.to_string())
        .part("berkas", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let res = app
        .client
        .post(format!("{}/api/letters/kramatwatu/{id}/lampiran", app.base))
        .header("origin", &app.base)
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "{:?}", res.text().await);
    res.headers()["location"].to_str().unwrap().to_string()
}

fn status_of(d: &digdaya::letters::model::RequestDetail) -> Status {
    d.status
}

/// The number a first letter of type `code` gets today.
fn first_number(code: &str) -> String {
    let today = (Utc::now() + chrono::Duration::hours(7)).date_naive();
    let roman = digdaya::letters::numbering::roman_month(today.month());
    format!("{code}/001/2001/{roman}/{}", today.year())
}

/// The `URI` of the link annotation over the QR code of a PDF.
fn qr_link(doc: &lopdf::Document) -> String {
    for (_, page_id) in doc.get_pages() {
        let page = doc.get_object(page_id).unwrap().as_dict().unwrap();
        let Ok(annots) = page.get(b"Annots") else { continue };
        for annot in annots.as_array().unwrap() {
            let annot = match annot {
                lopdf::Object::Reference(id) => doc.get_object(*id).unwrap().as_dict().unwrap(),
                other => other.as_dict().unwrap(),
            };
            let action = annot.get(b"A").unwrap().as_dict().unwrap();
            return String::from_utf8(action.get(b"URI").unwrap().as_str().unwrap().to_vec()).unwrap();
        }
    }
    panic!("no link over the QR code")
}

fn query_param(url: &str, name: &str) -> String {
    url.split('?').nth(1).unwrap().split('&').find_map(|kv| kv.strip_prefix(&format!("{name}="))).unwrap().to_string()
}

async fn a_request_goes_from_a_phone_to_a_verified_pdf(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 21, None).await.village;
    let (kades, kades_cookie) = official(&app, &v, "kades.a", Role::Kades).await;
    let (operator, _) = official(&app, &v, "operator.a", Role::Operator).await;
    let (me, cookie) = resident_of(&app, &v, 3).await;
    let by_me = By::Resident { id: me.id, name: me.name.clone() };
    let domisili = type_id(&app, &v, "domisili").await;

    // Asked from the phone: saved as "Belum Lengkap", the purpose required.
    let missing = service::create_request(&app.db, &v, &by_me, me.id, domisili, &values(&[])).await;
    assert_eq!(missing.refused()[0].message, "Keperluan wajib diisi.");
    let id =
        service::create_request(&app.db, &v, &by_me, me.id, domisili, &values(&[("keperluan", "  melamar   kerja ")]))
            .await
            .unwrap();
    let d = service::detail(&app.db, &v, &by_me, id).await.unwrap();
    assert_eq!(status_of(&d), Status::BelumLengkap);
    assert_eq!(d.values, [("Keperluan".to_string(), "melamar kerja".to_string())]);
    assert!(d.preview.contains(&me.name) && d.preview.contains("untuk keperluan melamar kerja"), "{}", d.preview);
    assert_eq!(d.steps, [Step::Submit, Step::Cancel]);

    // Sending needs the required photos.
    let err = service::step(&app.db, &v, &by_me, id, Step::Submit, "").await.unwrap_err();
    assert_eq!(err, AppError::Invalid("Lampiran belum lengkap: Foto KTP, Foto Kartu Keluarga.".into()));
    let back = upload(&app, &cookie, id, "ktp", "ktp.png", png(2400, 1600)).await;
    assert!(back.ends_with(&format!("/kramatwatu/layanan/permohonan/{id}#lampiran")), "{back}");
    upload(&app, &cookie, id, "kk", "kk.jpg", png(800, 600)).await;
    let d = service::detail(&app.db, &v, &by_me, id).await.unwrap();
    let ktp = &d.attachments[0].files[0];
    assert!(!ktp.is_pdf);
    // The photo was re-encoded as a JPEG no larger than 1600 px, and only the holder sees it.
    let file = app
        .client
        .get(format!("{}/api/letters/kramatwatu/berkas/{}", app.base, ktp.id))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(file.headers()["content-type"], "image/jpeg");
    let stored = image::load_from_memory(&file.bytes().await.unwrap()).unwrap();
    assert_eq!((stored.width(), stored.height()), (1600, 1067));
    let anonymous =
        app.client.get(format!("{}/api/letters/kramatwatu/berkas/{}", app.base, ktp.id)).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);

    service::step(&app.db, &v, &by_me, id, Step::Submit, "").await.unwrap();
    let by_operator = By::Official(operator.clone());
    service::step(&app.db, &v, &by_operator, id, Step::Forward, "").await.unwrap();
    assert_eq!(service::sign(&app.db, &v, &operator, id, "http://desa.test").await.unwrap_err(), AppError::Forbidden);
    let number = service::sign(&app.db, &v, &kades, id, "http://desa.test").await.unwrap();
    assert_eq!(number, first_number("470"));
    // Signing twice is refused, and gives no second number.
    assert!(matches!(service::sign(&app.db, &v, &kades, id, "http://desa.test").await, Err(AppError::Invalid(_))));

    // The resident downloads the PDF: the same bytes every time, with the name, the number,
    // and the QR's address (also a link over it) carrying the signed data.
    let get_pdf = || async {
        let res = app
            .client
            .get(format!("{}/api/letters/kramatwatu/{id}/pdf", app.base))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        res.bytes().await.unwrap().to_vec()
    };
    let pdf = get_pdf().await;
    assert_eq!(pdf, get_pdf().await, "the same letter renders the same bytes");
    let official_copy = app
        .client
        .get(format!("{}/api/letters/kramatwatu/{id}/pdf", app.base))
        .header("cookie", &kades_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(official_copy.bytes().await.unwrap().to_vec(), pdf);
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let text = doc.extract_text(&[1]).unwrap();
    assert!(text.contains(&me.name), "{text}");
    assert!(text.contains(&number), "{text}");
    assert!(text.contains("SURAT KETERANGAN DOMISILI"), "{text}");
    let url = qr_link(&doc);
    assert!(url.starts_with("http://desa.test/kramatwatu/surat/cek/"), "{url}");
    let (d_param, s_param) = (query_param(&url, "d"), query_param(&url, "s"));
    let canonical = String::from_utf8(sign::unb64(&d_param).unwrap()).unwrap();
    let facts = sign::Canonical::parse(&canonical).unwrap();
    assert_eq!((facts.number.as_str(), facts.resident.as_str()), (number.as_str(), me.name.as_str()));
    assert_eq!(facts.version, 2);
    assert_eq!(facts.nik, sign::mask_nik(&me.nik));
    assert_eq!(facts.fields, [("Keperluan".to_string(), "melamar kerja".to_string())]);
    assert!(facts.digest.starts_with("sha256:") && facts.valid_until != "-", "{canonical}");
    // Offline: the published key checks the QR's signature without the database.
    let key = app.client.get(format!("{}/api/letters/kramatwatu/kunci", app.base)).send().await.unwrap();
    let key_text = key.text().await.unwrap();
    let public = key_text.lines().nth(1).unwrap();
    assert!(sign::verify(public, &canonical, &s_param));

    // The verification page: genuine; a changed number in the QR data is not.
    let code = url.split("/surat/cek/").nth(1).unwrap().split('?').next().unwrap().to_string();
    match service::verify(&app.db, &v, &code, &d_param, &s_param).await.unwrap() {
        Verdict::Genuine(f) => {
            assert_eq!(f.number, number);
            assert!(f.signature_checked && !f.older_form && !f.expired && f.revoked.is_none());
            assert_eq!(f.resident, me.name);
            assert_eq!(f.nik, sign::mask_nik(&me.nik));
            assert_eq!(f.fields, [("Keperluan".to_string(), "melamar kerja".to_string())]);
        }
        other => panic!("{other:?}"),
    }
    let forged = sign::b64(canonical.replace(&number, "470/999/2001/I/2026").as_bytes());
    assert_eq!(service::verify(&app.db, &v, &code, &forged, &s_param).await.unwrap(), Verdict::Tampered);
    assert_eq!(service::verify(&app.db, &v, "NOSUCHCODE", "", "").await.unwrap(), Verdict::Unknown);
    let (status, page) = app.get(&format!("/kramatwatu/surat/cek/{code}?d={d_param}&s={s_param}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Surat ini asli") && page.contains(&number), "the page renders on the server");
    assert!(page.contains(&me.name) && page.contains(&format!("••••••••••••{}", &me.nik[12..])), "what the paper says");
    assert!(page.contains("melamar kerja"), "the purpose, to compare with the paper");
    assert!(!page.contains(&me.nik), "never the whole NIK on the public page");

    // Signed letters cannot be cancelled; the timeline has every step.
    let err = service::step(&app.db, &v, &by_me, id, Step::Cancel, "tidak jadi").await.unwrap_err();
    assert!(matches!(err, AppError::Invalid(m) if m.contains("sudah ditandatangani")));
    service::step(&app.db, &v, &by_me, id, Step::Complete, "").await.unwrap();
    let d = service::detail(&app.db, &v, &by_me, id).await.unwrap();
    let steps: Vec<Status> = d.timeline.iter().map(|e| e.status).collect();
    assert_eq!(steps, [Status::BelumLengkap, Status::Diperiksa, Status::MenungguTtd, Status::Siap, Status::Selesai]);
    assert_eq!(d.number.as_deref(), Some(number.as_str()));
}

async fn fifty_signings_at_once_get_fifty_consecutive_numbers(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 60, 22, None).await.village;
    let (kades, _) = official(&app, &v, "kades.a", Role::Kades).await;
    let (operator, _) = official(&app, &v, "operator.a", Role::Operator).await;
    let sktm = type_id(&app, &v, "pengantar").await;
    let people = resident::Entity::find().filter(resident::Column::VillageId.eq(v.id)).all(&app.db).await.unwrap();
    let by = By::Official(operator);
    let mut ids = Vec::new();
    for p in people.iter().filter(|p| p.status == digdaya::kit::resident::Status::Hidup).take(50) {
        let id = service::create_request(&app.db, &v, &by, p.id, sktm, &values(&[("keperluan", "administrasi bank")]))
            .await
            .unwrap();
        ids.push(id);
    }
    assert_eq!(ids.len(), 50);
    let mut tasks = Vec::new();
    for id in ids.clone() {
        let (db, v, kades) = (app.db.clone(), v.clone(), kades.clone());
        tasks.push(tokio::spawn(async move { service::sign(&db, &v, &kades, id, "http://desa.test").await }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap().unwrap());
    }
    let mut seqs: Vec<u32> = numbers.iter().map(|n| n.split('/').nth(1).unwrap().parse().unwrap()).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=50).collect::<Vec<u32>>(), "no duplicate, no gap");
    // Another type has its own sequence.
    let other = type_id(&app, &v, "domisili").await;
    let p = people.iter().find(|p| p.status == digdaya::kit::resident::Status::Hidup).unwrap();
    let id = service::create_request(&app.db, &v, &by, p.id, other, &values(&[("keperluan", "x")])).await.unwrap();
    assert_eq!(service::sign(&app.db, &v, &kades, id, "http://desa.test").await.unwrap(), first_number("470"));
}

async fn who_may_take_which_step(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 30, 23, None).await.village;
    let other = app.seed("36.04.05.2002", 10, 24, None).await.village;
    let (sekdes, _) = official(&app, &v, "sekdes.a", Role::Sekdes).await;
    let (operator, _) = official(&app, &v, "operator.a", Role::Operator).await;
    let (me, my_cookie) = resident_of(&app, &v, 2).await;
    let (neighbour, neighbour_cookie) = resident_of(&app, &v, 9).await;
    let by_me = By::Resident { id: me.id, name: me.name.clone() };
    let by_neighbour = By::Resident { id: neighbour.id, name: neighbour.name.clone() };
    let pengantar = type_id(&app, &v, "pengantar").await;
    let id = service::create_request(&app.db, &v, &by_me, me.id, pengantar, &values(&[("keperluan", "bank")]))
        .await
        .unwrap();

    // Another resident does not see it, cannot act on it, cannot download or attach to it.
    assert_eq!(service::detail(&app.db, &v, &by_neighbour, id).await.unwrap_err(), AppError::NotFound);
    assert_eq!(
        service::step(&app.db, &v, &by_neighbour, id, Step::Cancel, "bukan punya saya").await.unwrap_err(),
        AppError::NotFound
    );
    let res = app
        .client
        .get(format!("{}/api/letters/kramatwatu/{id}/pdf", app.base))
        .header("cookie", &neighbour_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    // Nor does another village's official.
    let other_official =
        Official { id: -1, village_id: Some(other.id), name: "B".into(), role: Role::Kades, session_id: String::new() };
    assert_eq!(
        service::detail(&app.db, &other, &By::Official(other_official), id).await.unwrap_err(),
        AppError::NotFound
    );

    // A resident cannot move their own request forward; an official cannot send it for them.
    let by_operator = By::Official(operator.clone());
    assert!(matches!(service::step(&app.db, &v, &by_operator, id, Step::Submit, "").await, Err(AppError::Forbidden)));
    upload(&app, &my_cookie, id, "ktp", "ktp.png", png(40, 30)).await;
    service::step(&app.db, &v, &by_me, id, Step::Submit, "").await.unwrap();
    assert_eq!(service::step(&app.db, &v, &by_me, id, Step::Forward, "").await.unwrap_err(), AppError::Forbidden);
    // Sending back needs a reason; then the resident sends it again.
    let err = service::step(&app.db, &v, &by_operator, id, Step::SendBack, "").await.unwrap_err();
    assert_eq!(err, AppError::Invalid("Tuliskan alasannya (paling sedikit 5 huruf).".into()));
    service::step(&app.db, &v, &by_operator, id, Step::SendBack, "Foto KTP buram").await.unwrap();
    let d = service::detail(&app.db, &v, &by_me, id).await.unwrap();
    assert_eq!((d.status, d.reason.as_deref()), (Status::BelumLengkap, Some("Foto KTP buram")));
    service::step(&app.db, &v, &by_me, id, Step::Submit, "").await.unwrap();
    service::step(&app.db, &v, &by_operator, id, Step::Forward, "").await.unwrap();

    // The sekdes signs only where the village delegates it, "a.n. Kepala Desa".
    assert_eq!(service::sign(&app.db, &v, &sekdes, id, "http://desa.test").await.unwrap_err(), AppError::Forbidden);
    let mut m: village::ActiveModel = v.clone().into();
    m.settings = Set(r#"{"letters":{"sekdes_signs":true,"paper":"F4"}}"#.into());
    let v = m.update(&app.db).await.unwrap();
    service::sign(&app.db, &v, &sekdes, id, "http://desa.test").await.unwrap();
    let (_, pdf) = service::pdf(&app.db, &app.files, v.id, &by_me, id).await.unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let text = doc.extract_text(&[1]).unwrap();
    assert!(text.contains("a.n. Kepala Desa Kramatwatu") && text.contains("Sekretaris Desa"), "{text}");
    let page = doc.get_object(doc.get_pages()[&1]).unwrap().as_dict().unwrap();
    let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
    assert_eq!(media[3].as_float().unwrap().round(), 935.0, "F4 paper");

    // Refusing and cancelling need reasons and end the request.
    let id2 = service::create_request(&app.db, &v, &by_me, me.id, pengantar, &values(&[("keperluan", "bank")]))
        .await
        .unwrap();
    service::step(&app.db, &v, &by_me, id2, Step::Cancel, "Sudah tidak perlu").await.unwrap();
    let err = service::step(&app.db, &v, &by_operator, id2, Step::Reject, "Data tidak sesuai").await.unwrap_err();
    assert_eq!(err, AppError::Invalid("Permohonan ini sudah selesai, ditolak, dibatalkan, atau dicabut.".into()));

    // A resident may name only people of their own family card in a "resident" field.
    let kematian = type_id(&app, &v, "kematian").await;
    let stranger = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(v.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.family_id != me.family_id)
        .unwrap();
    let fields = values(&[
        ("almarhum", &stranger.id.to_string()),
        ("tanggal_kematian", "2026-11-01"),
        ("tempat_kematian", "Rumah"),
        ("sebab_kematian", "Sakit"),
    ]);
    let refused = service::create_request(&app.db, &v, &by_me, me.id, kematian, &fields).await;
    assert_eq!(refused.refused()[0].message, "Yang meninggal: pilih anggota keluarga Anda sendiri.");
}

async fn letter_types_are_checked_when_saved(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 10, 25, None).await.village;
    let (kades, _) = official(&app, &v, "kades.a", Role::Kades).await;
    // A village's first visits at once: each is answered with every type, none is doubled.
    let firsts: Vec<_> = (0..8)
        .map(|_| {
            let (db, id) = (app.db.clone(), v.id);
            tokio::spawn(async move { service::types(&db, id, false).await })
        })
        .collect();
    for first in firsts {
        assert_eq!(first.await.unwrap().unwrap().len(), digdaya::letters::catalog::TYPES.len());
    }
    let domisili = type_id(&app, &v, "domisili").await;
    let mut form = service::type_form(&app.db, v.id, domisili).await.unwrap();
    form.body.push_str("\n\nTujuan: {{tujuan}}");
    let problems = service::save_type(&app.db, v.id, &kades, Some(domisili), &form).await.refused();
    assert_eq!(problems[0].message, "Isian {{tujuan}} tidak dikenal.");
    form.fields.push(digdaya::letters::model::FieldDef {
        key: "tujuan".into(),
        label: "Tujuan".into(),
        kind: digdaya::letters::model::FieldKind::Text,
        required: false,
    });
    assert_eq!(service::save_type(&app.db, v.id, &kades, Some(domisili), &form).await, Ok(domisili));
    // A new type may not take an address already used.
    let copy = digdaya::letters::model::LetterTypeForm { title: "Salinan domisili".into(), ..form.clone() };
    let problems = service::save_type(&app.db, v.id, &kades, None, &copy).await.refused();
    assert_eq!(problems[0].message, "Kode alamat ini sudah dipakai jenis surat lain.");
    let fresh = digdaya::letters::model::LetterTypeForm {
        slug: "salinan".into(),
        number_format: "[nomor]/SAL/[tahun]".into(),
        ..copy
    };
    let id = service::save_type(&app.db, v.id, &kades, None, &fresh).await.unwrap();
    let listed = service::types(&app.db, v.id, true).await.unwrap();
    assert!(listed.iter().any(|t| t.id == id && t.title == "Salinan domisili"));
    assert_eq!(listed.len(), digdaya::letters::catalog::TYPES.len() + 1);
}

async fn uploads_are_checked_by_content(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 20, 26, None).await.village;
    let (me, cookie) = resident_of(&app, &v, 1).await;
    let by_me = By::Resident { id: me.id, name: me.name.clone() };
    let usaha = type_id(&app, &v, "usaha").await;
    let id = service::create_request(
        &app.db,
        &v,
        &by_me,
        me.id,
        usaha,
        &values(&[
            ("nama_usaha", "Warung Bu Siti"),
            ("jenis_usaha", "Warung"),
            ("alamat_usaha", "RT 1"),
            ("keperluan", "KUR"),
        ]),
    )
    .await
    .unwrap();
    let refused = |location: &str| {
        let m = location.split("galat=").nth(1).unwrap_or_default().split('#').next().unwrap_or_default().to_string();
        String::from_utf8(
            m.split('%')
                .enumerate()
                .flat_map(|(i, part)| {
                    if i == 0 {
                        part.as_bytes().to_vec()
                    } else {
                        let mut b = vec![u8::from_str_radix(&part[..2], 16).unwrap()];
                        b.extend_from_slice(&part.as_bytes()[2..]);
                        b
                    }
                })
                .collect(),
        )
        .unwrap()
    };
    // A program renamed to .jpg.
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".repeat(100);
    let back = upload(&app, &cookie, id, "ktp", "foto.jpg", exe).await;
    assert_eq!(refused(&back), "Berkas bukan foto JPEG, PNG, atau WebP, atau dokumen PDF.");
    // Too large (6 MB).
    let back = upload(&app, &cookie, id, "ktp", "besar.jpg", vec![0xFF; 6 * 1024 * 1024]).await;
    assert_eq!(refused(&back), "Berkas terlalu besar (paling besar 5 MB).");
    // A decompression bomb: a small PNG of 48 million pixels.
    let mut bomb = Vec::new();
    image::DynamicImage::ImageLuma8(image::GrayImage::new(8000, 6000))
        .write_to(&mut std::io::Cursor::new(&mut bomb), image::ImageFormat::Png)
        .unwrap();
    let back = upload(&app, &cookie, id, "ktp", "bom.png", bomb).await;
    assert_eq!(refused(&back), "Ukuran gambar terlalu besar (paling banyak 40 megapiksel).");
    // An attachment the type does not ask for.
    let back = upload(&app, &cookie, id, "paspor", "a.png", png(10, 10)).await;
    assert_eq!(refused(&back), "Jenis lampiran tidak dikenal.");
    // A PDF is kept as a PDF and downloaded as an attachment, never shown inline.
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let back = upload(&app, &cookie, id, "ktp", "ktp.pdf", pdf).await;
    assert!(!back.contains("galat="), "{back}");
    let d = service::detail(&app.db, &v, &by_me, id).await.unwrap();
    let file = &d.attachments[0].files[0];
    assert!(file.is_pdf);
    let res = app
        .client
        .get(format!("{}/api/letters/kramatwatu/berkas/{}", app.base, file.id))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-disposition"], "attachment");
    assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    // Nothing was stored for the refused files.
    assert_eq!(d.attachments.iter().map(|a| a.files.len()).sum::<usize>(), 1);
}

/// A PNG logo with a transparent corner.
fn logo_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(600, 600, |x, y| {
        if x < 100 && y < 100 { image::Rgba([0, 0, 0, 0]) } else { image::Rgba([20, 110, 80, 255]) }
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn post_logo(app: &TestApp, cookie: &str, bytes: Vec<u8>) -> (u16, String) {
    let form =
        reqwest::multipart::Form::new().part("logo", reqwest::multipart::Part::bytes(bytes).file_name("logo.png"));
    let res = app
        .client
        .post(format!("{}/api/letters/kramatwatu/logo", app.base))
        .header("origin", &app.base)
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (status, location)
}

async fn the_letterhead_logo_and_settings(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 30, 23, None).await.village;
    let (kades, kades_cookie) = official(&app, &v, "kades.l", Role::Kades).await;
    let (_, operator_cookie) = official(&app, &v, "operator.l", Role::Operator).await;

    // Only the kades or sekdes set the logo; a file that is not an image is refused with a message.
    assert_eq!(post_logo(&app, &operator_cookie, logo_png()).await.0, 403);
    let (status, back) = post_logo(&app, &kades_cookie, b"GIF89a-bukan-logo".to_vec()).await;
    assert_eq!(status, 303);
    assert!(back.contains("/kramatwatu/admin/surat/pengaturan?galat="), "{back}");
    let (status, back) = post_logo(&app, &kades_cookie, logo_png()).await;
    assert_eq!((status, back.as_str()), (303, "/kramatwatu/admin/surat/pengaturan#logo"));
    // The logo is public (it is on every letter), small, a JPEG, with the transparent corner white.
    let res = app.client.get(format!("{}/api/letters/kramatwatu/logo", app.base)).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let logo = image::load_from_memory(&res.bytes().await.unwrap()).unwrap().into_rgb8();
    assert_eq!((logo.width(), logo.height()), (240, 240));
    assert!(logo.get_pixel(5, 5).0.iter().all(|c| *c > 240), "{:?}", logo.get_pixel(5, 5));

    // A letter signed now prints it; changing the logo later does not change that letter.
    let v = village::Entity::find_by_id(v.id).one(&app.db).await.unwrap().unwrap();
    let someone =
        resident::Entity::find().filter(resident::Column::VillageId.eq(v.id)).one(&app.db).await.unwrap().unwrap();
    let usaha = type_id(&app, &v, "domisili").await;
    let id = service::create_request(
        &app.db,
        &v,
        &By::Official(kades.clone()),
        someone.id,
        usaha,
        &values(&[("keperluan", "mendaftar sekolah")]),
    )
    .await
    .unwrap();
    // Made at the counter, it waits for the signature straight away.
    service::sign(&app.db, &v, &kades, id, "http://desa.test").await.unwrap();
    let get_pdf = || async {
        let res = app
            .client
            .get(format!("{}/api/letters/kramatwatu/{id}/pdf", app.base))
            .header("cookie", &kades_cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        res.bytes().await.unwrap().to_vec()
    };
    let pdf = get_pdf().await;
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let images = doc
        .objects
        .values()
        .filter(|o| {
            o.as_stream()
                .is_ok_and(|s| s.dict.get(b"Subtype").is_ok_and(|t| t.as_name().ok() == Some(b"Image".as_slice())))
        })
        .count();
    assert_eq!(images, 1, "the logo is in the letterhead");
    post_logo(&app, &kades_cookie, png(300, 200)).await;
    assert_eq!(get_pdf().await, pdf, "a signed letter keeps its logo");

    // Settings: the paper must be A4 or F4; kades and sekdes only.
    let save = |paper: &'static str, cookie: String| {
        let app = &app;
        async move {
            let res = app
                .client
                .post(format!("{}/api/letters/save-settings", app.base))
                .header("origin", &app.base)
                .header("cookie", cookie)
                .json(&serde_json::json!({ "slug": "kramatwatu", "settings": { "rt_step": true, "sekdes_signs": true, "paper": paper } }))
                .send()
                .await
                .unwrap();
            res.text().await.unwrap()
        }
    };
    let complaints = digdaya::complaints::model::Settings { visitors: true, public_list: false };
    digdaya::village::service::save_setting(&app.db, v.id, "complaints", &complaints).await.unwrap();
    assert!(save("B5", kades_cookie.clone()).await.contains("A4 atau F4"));
    assert!(save("f4", operator_cookie.clone()).await.contains("Forbidden"));
    save("f4", kades_cookie.clone()).await;
    let v = village::Entity::find_by_id(v.id).one(&app.db).await.unwrap().unwrap();
    let s = service::settings(&v);
    assert_eq!((s.rt_step, s.sekdes_signs, s.paper.as_str()), (true, true, "F4"));
    // Saving the letters' settings keeps the complaints' ones.
    assert_eq!(digdaya::complaints::service::settings(&v), complaints);
}

/// A signed letter, its QR data `d` and signature `s` and its code.
async fn signed_letter(
    app: &TestApp,
    v: &village::Model,
    kades: &Official,
    operator: &Official,
    person: &resident::Model,
    purpose: &str,
) -> (i64, String, String, String) {
    let domisili = type_id(app, v, "domisili").await;
    let by = By::Official(operator.clone());
    let id = service::create_request(&app.db, v, &by, person.id, domisili, &values(&[("keperluan", purpose)]))
        .await
        .unwrap();
    service::sign(&app.db, v, kades, id, "http://desa.test").await.unwrap();
    let r = digdaya::db::entities::letter_request::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    let code = r.verify_code.unwrap();
    (id, code, sign::b64(r.canonical.unwrap().as_bytes()), r.signature.unwrap())
}

/// Issue 27, finding 1 (fails on the code before: the signature covered only number, type,
/// date, signer and a masked name, so another person of the same mask, another NIK or another
/// purpose verified as genuine).
async fn a_forged_letter_does_not_verify(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 31, None).await.village;
    let (kades, _) = official(&app, &v, "kades.a", Role::Kades).await;
    let (operator, _) = official(&app, &v, "operator.a", Role::Operator).await;
    let (me, _) = resident_of(&app, &v, 3).await;
    let (id, code, d, s) = signed_letter(&app, &v, &kades, &operator, &me, "melamar kerja").await;
    assert!(matches!(service::verify(&app.db, &v, &code, &d, &s).await.unwrap(), Verdict::Genuine(_)));
    let text = String::from_utf8(sign::unb64(&d).unwrap()).unwrap();
    let c = sign::Canonical::parse(&text).unwrap();
    // Each change a forger would make to the paper, carried into the QR's data: refused.
    let forgeries = [
        sign::Canonical { resident: format!("{} X", c.resident), ..c.clone() },
        sign::Canonical { nik: sign::mask_nik("3604050101010001"), ..c.clone() },
        sign::Canonical { fields: vec![("Keperluan".into(), "pinjaman bank".into())], ..c.clone() },
        sign::Canonical { valid_until: "2099-12-31".into(), ..c.clone() },
        sign::Canonical { digest: sign::digest(b"another body"), ..c.clone() },
    ];
    for forged in forgeries {
        let forged_d = sign::b64(forged.to_text().as_bytes());
        assert_eq!(service::verify(&app.db, &v, &code, &forged_d, &s).await.unwrap(), Verdict::Tampered, "{forged:?}");
        let public = service::public_key(&app.db, v.id).await.unwrap();
        let url = format!("http://desa.test/kramatwatu/surat/cek/{code}?d={forged_d}&s={s}");
        assert!(sign::check_offline(&public, &url).is_err(), "offline too: {forged:?}");
    }
    // The letter the village keeps, changed behind the signature (its body): no longer genuine.
    use digdaya::db::entities::letter_request;
    let r = letter_request::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    let changed = r.document.clone().unwrap().replace(&me.name, "Orang Lain");
    let mut m: letter_request::ActiveModel = r.into();
    m.document = Set(Some(changed));
    m.update(&app.db).await.unwrap();
    assert_eq!(service::verify(&app.db, &v, &code, "", "").await.unwrap(), Verdict::Tampered);
    // The key is sealed at rest: the stored secret is not the key.
    let key = digdaya::db::entities::village_key::Entity::find_by_id(v.id).one(&app.db).await.unwrap().unwrap();
    assert!(key.secret_key.starts_with("enc1:"), "{}", key.secret_key);
}

/// Issue 27, finding 1: a signed letter could never be withdrawn.
async fn the_kades_revokes_a_signed_letter(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 32, None).await.village;
    let (kades, kades_cookie) = official(&app, &v, "kades.a", Role::Kades).await;
    let (operator, _) = official(&app, &v, "operator.a", Role::Operator).await;
    let (sekdes, _) = official(&app, &v, "sekdes.a", Role::Sekdes).await;
    let (me, my_cookie) = resident_of(&app, &v, 3).await;
    let (id, code, d, s) = signed_letter(&app, &v, &kades, &operator, &me, "melamar kerja").await;
    let by_me = By::Resident { id: me.id, name: me.name.clone() };
    // Only the kades; a reason is required.
    for who in [By::Official(operator.clone()), By::Official(sekdes.clone()), by_me.clone()] {
        assert_eq!(
            service::step(&app.db, &v, &who, id, Step::Revoke, "data keliru sekali").await.unwrap_err(),
            AppError::Forbidden
        );
    }
    let by_kades = By::Official(kades.clone());
    assert!(matches!(service::step(&app.db, &v, &by_kades, id, Step::Revoke, "").await, Err(AppError::Invalid(_))));
    let (status, _) = revoke_over_http(&app, &kades_cookie, id, "Data pekerjaan tidak benar").await;
    assert_eq!(status, 200);
    // Verification says so, online and on the page.
    match service::verify(&app.db, &v, &code, &d, &s).await.unwrap() {
        Verdict::Genuine(f) => {
            let (_, why) = f.revoked.expect("revoked");
            assert_eq!(why, "Data pekerjaan tidak benar");
        }
        other => panic!("{other:?}"),
    }
    let (status, page) = app.get(&format!("/kramatwatu/surat/cek/{code}?d={d}&s={s}")).await;
    let verdict = verdict_of(&page);
    assert_eq!(status, 200, "{verdict}");
    assert!(verdict.contains("telah DICABUT") && verdict.contains("Data pekerjaan tidak benar"), "{verdict}");
    assert!(!page.contains("Surat ini asli"));
    // The resident is told (the request's history), cannot download it any more; audited.
    let detail = service::detail(&app.db, &v, &by_me, id).await.unwrap();
    assert_eq!(detail.status, Status::Dicabut);
    assert!(detail.timeline.last().unwrap().note.contains("Data pekerjaan tidak benar"));
    let res = common::get_with(&app, &format!("/api/letters/kramatwatu/{id}/pdf"), &my_cookie).await;
    assert_eq!(res.status().as_u16(), 409);
    use digdaya::db::entities::audit_entry;
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("letter_revoked"))
        .filter(audit_entry::Column::SubjectId.eq(id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("audited");
    assert_eq!(audited.actor_id, Some(kades.id));
    // Once only.
    let again = service::step(&app.db, &v, &by_kades, id, Step::Revoke, "sekali lagi ya").await.unwrap_err();
    assert!(matches!(again, AppError::Invalid(m) if m.contains("sudah dicabut")));
}

/// The kades revokes through the server function, as the page does.
/// The verification page's verdict (its `#verdict` section, else the page's main part, cut
/// short): what a failed assertion shows instead of the whole page.
fn verdict_of(page: &str) -> String {
    let from = page.find("id=\"verdict\"").or_else(|| page.find("<main")).unwrap_or(0);
    let rest = &page[from..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    rest[..end].chars().take(600).collect()
}

async fn revoke_over_http(app: &TestApp, cookie: &str, id: i64, reason: &str) -> (u16, String) {
    let res = common::post_as(
        app,
        "letters/step",
        cookie,
        "application/json",
        &[("slug", "kramatwatu"), ("id", &id.to_string()), ("step", "Revoke"), ("reason", reason)],
    )
    .await;
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Letters signed before the digest keep verifying, marked as the older, weaker form; an
/// expired letter says so.
async fn older_letters_still_verify_as_the_weaker_form(backend: Backend) {
    use digdaya::db::entities::{letter_request, village_key};
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 33, None).await.village;
    let (kades, _) = official(&app, &v, "kades.a", Role::Kades).await;
    let (operator, _) = official(&app, &v, "operator.a", Role::Operator).await;
    let (me, _) = resident_of(&app, &v, 3).await;
    let (id, code, _, _) = signed_letter(&app, &v, &kades, &operator, &me, "melamar kerja").await;
    // Rewritten as the older scheme did it: version 1 text signed with the village's key.
    let key = village_key::Entity::find_by_id(v.id).one(&app.db).await.unwrap().unwrap();
    let secret = String::from_utf8(digdaya::secrets::open(&key.secret_key).unwrap()).unwrap();
    let r = letter_request::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    let c = sign::Canonical::parse(r.canonical.as_deref().unwrap()).unwrap();
    let old = sign::Canonical {
        version: 1,
        valid_until: String::new(),
        resident: digdaya::letters::model::mask_name(&me.name),
        nik: String::new(),
        fields: Vec::new(),
        digest: String::new(),
        date: "2025-01-02".into(),
        ..c
    };
    let text = old.to_text();
    let signature = sign::sign(&secret, &text).unwrap();
    let mut m: letter_request::ActiveModel = r.into();
    m.canonical = Set(Some(text.clone()));
    m.signature = Set(Some(signature.clone()));
    m.update(&app.db).await.unwrap();
    let d = sign::b64(text.as_bytes());
    match service::verify(&app.db, &v, &code, &d, &signature).await.unwrap() {
        Verdict::Genuine(f) => {
            assert!(f.older_form && f.signature_checked && !f.expired);
            assert_eq!(f.resident, digdaya::letters::model::mask_name(&me.name));
        }
        other => panic!("{other:?}"),
    }
    let (_, page) = app.get(&format!("/kramatwatu/surat/cek/{code}?d={d}&s={signature}")).await;
    assert!(page.contains("bentuk lama"), "{page}");

    // A version 2 letter past its validity: genuine, and says it has expired.
    let (id2, code2, _, _) = signed_letter(&app, &v, &kades, &operator, &me, "melamar kerja").await;
    let r = letter_request::Entity::find_by_id(id2).one(&app.db).await.unwrap().unwrap();
    let c = sign::Canonical::parse(r.canonical.as_deref().unwrap()).unwrap();
    let expired = sign::Canonical { valid_until: "2026-01-31".into(), ..c };
    let text = expired.to_text();
    let mut m: letter_request::ActiveModel = r.into();
    m.signature = Set(Some(sign::sign(&secret, &text).unwrap()));
    m.canonical = Set(Some(text));
    m.update(&app.db).await.unwrap();
    match service::verify(&app.db, &v, &code2, "", "").await.unwrap() {
        Verdict::Genuine(f) => assert!(f.expired && f.revoked.is_none(), "{f:?}"),
        other => panic!("{other:?}"),
    }
    let (_, page) = app.get(&format!("/kramatwatu/surat/cek/{code2}")).await;
    assert!(page.contains("Masa berlaku surat ini telah habis"), "{page}");
}
