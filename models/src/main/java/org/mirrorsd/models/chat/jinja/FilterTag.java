package org.mirrorsd.models.chat.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;

/** jinja2's {@code {% filter name(args) %}...{% endfilter %}}: the rendered body through a filter chain. */
final class FilterTag implements Tag {
    private static final long serialVersionUID = 1L;
    private static final String BODY = "__filter_block_body__";

    @Override
    public String getName() { return "filter"; }

    @Override
    public String getEndTagName() { return "endfilter"; }

    @Override
    @SuppressWarnings("try") // the scope is closed for its side effect
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
        StringBuilder body = new StringBuilder();
        for (Node child : tagNode.getChildren()) body.append(child.render(interpreter).getValue());
        try (JinjavaInterpreter.InterpreterScopeClosable scope = interpreter.enterScope()) {
            interpreter.getContext().put(BODY, body.toString());
            return PyRepr.str(interpreter.resolveELExpression(BODY + "|" + tagNode.getHelpers().trim(),
                    tagNode.getLineNumber()));
        }
    }
}
