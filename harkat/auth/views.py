"""Sign in, sign out, change one's own password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from harkat.auth import services
from harkat.auth.access import public, roles
from harkat.auth.domain import ThrottlePolicy
from harkat.auth.forms import ChangePasswordForm, LoginForm
from harkat.extensions import db
from harkat.forms import save_form
from harkat.security import local_target

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _throttle_policy() -> ThrottlePolicy:
    config = current_app.config
    return ThrottlePolicy(
        max_failures_per_user=config["LOGIN_MAX_FAILURES_PER_USER"],
        max_failures_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        window=config["LOGIN_THROTTLE_WINDOW"],
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                db.session,
                form.username.data,
                form.password.data,
                request.remote_addr or "unknown",
                _throttle_policy(),
            )
        except services.LoginRefused as refused:
            db.session.commit()  # keep the failed attempt: throttling counts it
            form.form_errors.append(str(refused))
        else:
            services.start_session(db.session, user, current_app.config["SESSION_ABSOLUTE_TIMEOUT"])
            db.session.commit()
            session.clear()
            login_user(user)
            flash(f"Selamat datang, {user.full_name}.", "success")
            return redirect(local_target(request.args.get("next"), url_for("main.home")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@roles()
def logout():
    services.logout(db.session, current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash("Anda sudah keluar.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout-all")
@roles()
def logout_all():
    services.logout_everywhere(db.session, current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash("Anda sudah keluar dari semua perangkat.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@roles()
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        saved, _ = save_form(
            form,
            lambda: services.change_own_password(
                db.session, user, form.current_password.data, form.password.data
            ),
        )
        if saved:
            # Every sign-in ended with the change; this device continues on a new one.
            services.start_session(db.session, user)
            db.session.commit()
            login_user(user)
            flash("Kata sandi sudah diganti. Sesi di perangkat lain telah diakhiri.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
