// 预算公开助手: what the add-in sends as Authorization (overrides xlwings Server's static/js/auth.js).
// - Entra ID (XLWINGS_AUTH_PROVIDERS=["entraid"]): xlwings' own single sign-on token.
// - The office's user list (budget-xl serve --users 文件, provider "custom"): the access token the user
//   typed once into the task pane (说明面板), kept in this browser's localStorage.
// - Behind a reverse proxy that authenticates (--trust-user-header): nothing; the proxy adds the user.
const TOKEN_KEY = "budget_xl_token";
const providers = () => (globalThis.config && globalThis.config.authProviders) || [];

globalThis.getAuth = async function () {
  if (providers().includes("entraid")) {
    const token = await xlwings.getAccessToken();
    return { token: token, provider: "entraid" };
  }
  if (providers().includes("custom")) {
    return { token: localStorage.getItem(TOKEN_KEY) || "", provider: "custom" };
  }
  return { token: "", provider: "" };
};

globalThis.budgetXlSaveToken = function (value) {
  localStorage.setItem(TOKEN_KEY, (value || "").trim());
};

document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("budget-xl-token");
  if (!box) return;
  if (!providers().includes("custom")) {
    box.closest("form")?.classList.add("d-none");
    return;
  }
  box.value = localStorage.getItem(TOKEN_KEY) || "";
  box.closest("form").addEventListener("submit", (event) => {
    event.preventDefault();
    globalThis.budgetXlSaveToken(box.value);
    document.getElementById("budget-xl-token-saved").classList.remove("d-none");
  });
});
