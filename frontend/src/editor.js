// Entry point of the candidate code editor bundle (CodeMirror 6, Python).
//
// Built by scripts/build-frontend into assessments/static/candidate/editor.bundle.js and exposed
// as a tiny global so the page scripts need no build step:
//
//   const editor = window.LoopwrightEditor.create(parentElement, {
//     doc: "def f():\n    pass\n",   // initial text
//     onChange: (text) => {},         // called after every edit the candidate makes (not setValue)
//     onBlur: () => {},               // called when the editor loses focus
//     readOnly: false,
//     label: "Code editor",           // aria-label of the editable area
//     describedBy: "help-id",         // optional aria-describedby of the editable area
//     nonce: "",                      // the page's Content-Security-Policy nonce, for the editor's <style>
//   });
//   editor.getValue(); editor.setValue(text); editor.focus(); editor.setReadOnly(true);
//   editor.destroy();
//
// Tab indents; Escape then Tab moves the keyboard focus out of the editor (CodeMirror's tab focus
// mode), so the editor never traps keyboard users.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  foldKeymap,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { Annotation, Compartment, EditorState } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";

// Marks changes made by setValue() so they do not look like candidate edits (no autosave, no undo).
const programmatic = Annotation.define();

const theme = EditorView.theme({
  "&": {
    fontSize: "14px",
    border: "1px solid var(--lw-border, #c8ccd2)",
    borderRadius: "6px",
    backgroundColor: "var(--lw-editor-bg, #fff)",
  },
  "&.cm-focused": {
    outline: "3px solid var(--lw-focus, #1a5fd0)",
    outlineOffset: "1px",
  },
  ".cm-scroller": {
    fontFamily: 'ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace',
    lineHeight: "1.5",
    minHeight: "18rem",
    maxHeight: "32rem",
    overflow: "auto",
  },
  ".cm-content": { minHeight: "18rem" },
  ".cm-gutters": {
    backgroundColor: "var(--lw-editor-gutter, #f4f5f7)",
    color: "var(--lw-muted, #5b6370)",
    borderRight: "1px solid var(--lw-border, #c8ccd2)",
  },
  "&.cm-readonly .cm-content": { cursor: "default" },
});

function readOnlyExtensions(readOnly) {
  return [
    EditorState.readOnly.of(readOnly),
    EditorView.editable.of(!readOnly),
    EditorView.editorAttributes.of(readOnly ? { class: "cm-readonly" } : {}),
    EditorView.contentAttributes.of({ "aria-readonly": String(readOnly) }),
  ];
}

function create(parent, options = {}) {
  const {
    doc = "",
    onChange = null,
    onBlur = null,
    readOnly = false,
    label = "Code editor",
    describedBy = "",
    nonce = "",
  } = options;
  const contentAttributes = { "aria-label": label, "aria-multiline": "true", spellcheck: "false" };
  if (describedBy) contentAttributes["aria-describedby"] = describedBy;
  const readOnlyCompartment = new Compartment();

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        foldGutter(),
        history(),
        drawSelection(),
        indentUnit.of("    "),
        EditorState.tabSize.of(4),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        // Completion only on request (Ctrl-Space): popups while typing are distracting in a timed test.
        autocompletion({ activateOnTyping: false }),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        python(),
        keymap.of([
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...historyKeymap,
          ...foldKeymap,
          ...completionKeymap,
          indentWithTab,
        ]),
        EditorView.contentAttributes.of(contentAttributes),
        // CodeMirror writes its styles into a <style> element; the page's CSP admits it by this nonce.
        EditorView.cspNonce.of(nonce),
        readOnlyCompartment.of(readOnlyExtensions(readOnly)),
        theme,
        EditorView.updateListener.of((update) => {
          if (onBlur && update.focusChanged && !update.view.hasFocus) onBlur();
          if (!onChange || !update.docChanged) return;
          if (update.transactions.some((tr) => tr.annotation(programmatic))) return;
          onChange(update.state.doc.toString());
        }),
      ],
    }),
  });

  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: text },
        annotations: [programmatic.of(true)],
      });
    },
    focus: () => view.focus(),
    setReadOnly(readOnly) {
      view.dispatch({ effects: readOnlyCompartment.reconfigure(readOnlyExtensions(Boolean(readOnly))) });
    },
    destroy: () => view.destroy(),
  };
}

window.LoopwrightEditor = Object.freeze({ create, version: 1 });
