// Sign-in and security page: show the new passkey in the list once it is added.
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
