// After a refused form the error summary has autofocus (templates/_macros/forms.html). Browsers may
// focus it before the styles and fonts have laid out the page, leaving it out of view: once the page
// has loaded, focus it again and bring it into view.
window.addEventListener("load", function () {
  var summary = document.querySelector(".portal-form-errors[autofocus]");
  if (summary) {
    summary.focus({preventScroll: true});
    summary.scrollIntoView({block: "center", behavior: "instant"});  // the theme scrolls smoothly otherwise
  }
});
