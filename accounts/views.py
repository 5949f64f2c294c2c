"""Sign in and out, home, language and unit switching, password change; the admin pages."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from accounts import auth, services, totp
from accounts.enums import Role
from accounts.forms import (LanguageForm, LoginForm, PasswordChangeForm, ProvinceForm, TotpCodeForm, TotpDisableForm,
                            UnitForm, UnitSwitchForm, UserEditForm, UserForm)
from accounts.models import Unit, User
from accounts.permissions import must_use_two_factor
from accounts.queries import all_provinces, all_units, has_several_working_units, list_users, working_units
from core.errors import DomainError
from core.extensions import db
from core.forms import EmptyForm, options, render_form, safe_next, show_error
from core.models import utcnow
from core.permissions import authenticated, public, roles_required

bp = Blueprint("accounts", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.record_once(lambda state: auth.register(state.app))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.sign_in(form.username.data, form.password.data, address=request.remote_addr or "",
                                    now=utcnow())
        except DomainError as error:
            db.session.commit()  # the failure counts towards the throttle and stays in the audit log
            form.form_errors.append(str(error.message))
            return render_template("accounts/login.html", form=form), 429 if error.status == 429 else 422
        else:
            _fresh_session()  # a fresh session on sign-in: no fixation
            if user.totp_enabled:
                # Not signed in yet: the cookie only remembers whose code to ask for, and until when.
                session[PENDING_TWO_FACTOR] = {"user_id": user.id, "since": utcnow().isoformat(),
                                               "next": safe_next(form.next.data, "")}
                db.session.commit()
                return redirect(url_for("accounts.login_two_factor"))
            _sign_in_browser(user)
            return redirect(safe_next(form.next.data, url_for("accounts.home")))
    return render_form("accounts/login.html", form)


PENDING_TWO_FACTOR = "two_factor_pending"


def _fresh_session() -> None:
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    if lang:
        session["lang"] = lang


def _sign_in_browser(user: User) -> None:
    services.start_session(user, now=utcnow())
    login_user(user)
    db.session.commit()


def _pending_two_factor() -> tuple[User | None, str]:
    """The user who gave the right password and is to enter a code, with where to go next;
    (None, "") when there is none, it is stale, or the account changed meanwhile."""
    pending = session.get(PENDING_TWO_FACTOR)
    try:
        since = datetime.fromisoformat(pending["since"])
        user_id = int(pending["user_id"])
    except (KeyError, TypeError, ValueError):
        return None, ""
    if utcnow() - since > timedelta(seconds=current_app.config["TWO_FACTOR_PENDING_SECONDS"]):
        return None, ""
    user = db.session.get(User, user_id)
    if user is None or not user.is_enabled or not user.totp_enabled:
        return None, ""
    return user, str(pending.get("next") or "")


@bp.route("/login/two-factor", methods=["GET", "POST"])
@public
def login_two_factor():
    """The second step of signing in, for accounts with two-factor sign-in on."""
    user, next_url = _pending_two_factor()
    if user is None:
        session.pop(PENDING_TWO_FACTOR, None)
        if current_user.is_authenticated:
            return redirect(url_for("accounts.home"))
        flash(_("Please sign in with your username and password first."), "info")
        return redirect(url_for("accounts.login"))
    form = TotpCodeForm()
    if form.validate_on_submit():
        try:
            services.check_second_factor(user, form.code.data, address=request.remote_addr or "", now=utcnow())
        except DomainError as error:
            db.session.commit()  # the failure counts towards the throttle and stays in the audit log
            show_error(form, error)
            return render_template("accounts/login_two_factor.html", form=form), 429 if error.status == 429 else 422
        _fresh_session()
        _sign_in_browser(user)
        return redirect(safe_next(next_url, url_for("accounts.home")))
    return render_form("accounts/login_two_factor.html", form)


@bp.post("/logout")
@public
def logout():
    if EmptyForm().validate_on_submit() and current_user.is_authenticated:
        services.end_session(current_user.session_token)
        db.session.commit()
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.get("/home")
@authenticated
def home():
    roles = current_user.roles_in(current_user.active_unit.id, current_user.active_unit.province_id) \
        if current_user.active_unit else set()
    return render_template("accounts/home.html", roles=roles, Role=Role)


@bp.post("/language")
@public
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            services.set_locale(current_user, form.lang.data)
            db.session.commit()
    return redirect(safe_next(form.next.data, url_for("core.index")))


@bp.post("/unit")
@authenticated
def switch_unit():
    form = UnitSwitchForm()
    form.unit_id.choices = options((unit.id, unit.name) for unit in working_units(current_user))
    if form.validate_on_submit():
        auth.switch_unit(form.unit_id.data)
    return redirect(safe_next(form.next.data, url_for("accounts.home")))


@bp.route("/account/password", methods=["GET", "POST"])
@authenticated
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current=form.current.data, new=form.new.data, now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password was changed. Other browsers signed in to your account were signed out."),
                  "success")
            return redirect(url_for("accounts.home"))
    return render_form("accounts/password.html", form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@authenticated
def two_factor():
    """Enrol in two-factor sign-in (scan the QR code or type the secret, then confirm with a
    code), or, once enrolled, see that it is on and turn it off."""
    required = _two_factor_required()
    if current_user.totp_enabled:
        return render_template("accounts/two_factor.html", form=None, disable_form=TotpDisableForm(formdata=None),
                               required=required)
    form = TotpCodeForm()
    secret = services.begin_totp_enrolment(current_user)
    db.session.commit()  # the QR code, loaded separately, must show the same secret
    if form.validate_on_submit():
        try:
            services.confirm_totp_enrolment(current_user, form.code.data, now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Two-factor sign-in is on. From now on you will be asked for a code when you sign in."),
                  "success")
            return redirect(url_for("accounts.home"))
    return render_form("accounts/two_factor.html", form, disable_form=None, secret=totp.grouped(secret),
                       required=required)


@bp.get("/account/two-factor/qr.svg")
@authenticated
def two_factor_qr():
    """The enrolment's QR code as an SVG image (an <img> on the enrolment page: no inline code)."""
    if current_user.totp_enabled:
        abort(404)  # the secret is shown once, while enrolling
    secret = services.begin_totp_enrolment(current_user)
    db.session.commit()
    return Response(totp.qr_svg(totp.provisioning_uri(secret, current_user.username)), mimetype="image/svg+xml")


@bp.post("/account/two-factor/disable")
@authenticated
def two_factor_disable():
    form = TotpDisableForm()
    if not current_user.totp_enabled:
        return redirect(url_for("accounts.two_factor"))
    if form.validate_on_submit():
        try:
            services.disable_totp(current_user, password=form.password.data, code=form.code.data, now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Two-factor sign-in is off."), "success")
            return redirect(url_for("accounts.two_factor"))
    return render_template("accounts/two_factor.html", form=None, disable_form=form,
                           required=_two_factor_required()), 422


def _two_factor_required() -> bool:
    """Whether the policy makes two-factor sign-in compulsory for the signed-in user."""
    return current_app.config["REQUIRE_TOTP_FOR_PRIVILEGED"] and must_use_two_factor(current_user)


# --- Administration: units and users -------------------------------------------------------


@admin_bp.get("/units")
@roles_required(Role.ADMIN)
def units():
    return render_template("accounts/unit_list.html", units=all_units(), provinces=all_provinces(),
                           province_form=ProvinceForm())


@admin_bp.post("/provinces")
@roles_required(Role.ADMIN)
def province_create():
    form = ProvinceForm()
    if form.validate_on_submit():
        try:
            services.create_province(name=form.name.data, actor=current_user, now=utcnow())
            db.session.commit()
            flash(_("Province added."), "success")
            return redirect(url_for("admin.units"))
        except DomainError as error:
            show_error(form, error)
    return render_template("accounts/unit_list.html", units=all_units(), provinces=all_provinces(),
                           province_form=form), 422


@admin_bp.route("/units/new", methods=["GET", "POST"])
@admin_bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def unit_edit(unit_id: int | None = None):
    unit = db.get_or_404(Unit, unit_id) if unit_id else None
    form = UnitForm(obj=unit)
    form.province_id.choices = options((province.id, province.name) for province in all_provinces())
    if form.validate_on_submit():
        values = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
        try:
            services.save_unit(unit, values=values, actor=current_user, now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Unit saved."), "success")
            return redirect(url_for("admin.units"))
    return render_form("accounts/unit_form.html", form, unit=unit)


@admin_bp.get("/users")
@roles_required(Role.ADMIN)
def users():
    search = request.args.get("q", "").strip()[:100]
    return render_template("accounts/user_list.html", users=list_users(search=search), search=search)


def _role_choices():
    return options((f"{unit.id}:{role.value}", f"{unit.name} — {role.label}") for unit in all_units() for role in Role)


def _grants(form) -> list[tuple[int, str]]:
    return [(int(value.split(":")[0]), value.split(":")[1]) for value in form.roles.data]


@admin_bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_create():
    form = UserForm()
    form.roles.choices = _role_choices()
    if form.validate_on_submit():
        try:
            user = services.create_user(username=form.username.data, full_name=form.full_name.data,
                                        password=form.password.data, grants=_grants(form),
                                        actor=current_user, now=utcnow())
            services.update_user(user, full_name=user.full_name, is_enabled=form.is_enabled.data,
                                 actor=current_user, now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_form("accounts/user_form.html", form, user=None, units=all_units(), roles=list(Role))


@admin_bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    form.roles.choices = _role_choices()
    if form.roles.data is None:  # a GET, or a POST without a body: keep the roles the user holds
        form.roles.data = [f"{grant.unit_id}:{grant.role}" for grant in user.grants]
    if form.validate_on_submit():
        try:
            services.update_user(user, full_name=form.full_name.data, is_enabled=form.is_enabled.data,
                                 actor=current_user, now=utcnow())
            services.set_grants(user, _grants(form), actor=current_user, now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_form("accounts/user_form.html", form, user=user, units=all_units(), roles=list(Role),
                       reset_form=EmptyForm())


@admin_bp.post("/users/<int:user_id>/reset-password")
@roles_required(Role.ADMIN)
def user_reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("admin.user_edit", user_id=user.id))
    password = services.reset_password(user, actor=current_user, now=utcnow())
    db.session.commit()
    flash(_("New one-time password for %(name)s: %(password)s — give it to the user in person.",
            name=user.username, password=password), "warning")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@admin_bp.post("/users/<int:user_id>/reset-two-factor")
@roles_required(Role.ADMIN)
def user_reset_two_factor(user_id: int):
    """A lost phone: turn the user's two-factor sign-in off and sign them out everywhere."""
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("admin.user_edit", user_id=user.id))
    services.reset_totp(user, actor=current_user, now=utcnow())
    db.session.commit()
    flash(_("Two-factor sign-in of %(name)s was reset and they were signed out everywhere. They enrol again "
            "when they next sign in.", name=user.username), "warning")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.app_context_processor
def navigation_context():
    return {"working_units": auth.cached_working_units,
            "has_several_working_units": lambda: has_several_working_units(current_user)}
