// 预算公开助手: the ribbon buttons of the 预算公开 tab (templates/manifest.xml).
// Each <FunctionName> of the manifest is bound here to the custom script of the same name
// (custom_scripts/__init__.py); xlwings sends the workbook, runs the script on the server and
// applies the actions it returns. event.completed() must be called even when the script fails.
async function runBudgetScript(event, scriptName) {
  try {
    const authResult =
      typeof globalThis.getAuth === "function"
        ? await globalThis.getAuth()
        : { token: "", provider: "" };
    await xlwings.runPython({
      auth: authResult.token,
      scriptName: scriptName,
      headers: { "Auth-Provider": authResult.provider },
    });
  } finally {
    event.completed();
  }
}

Office.actions.associate("validate", (event) => runBudgetScript(event, "validate"));
Office.actions.associate("recompute", (event) => runBudgetScript(event, "recompute"));
Office.actions.associate("export_narrative", (event) => runBudgetScript(event, "export_narrative"));
