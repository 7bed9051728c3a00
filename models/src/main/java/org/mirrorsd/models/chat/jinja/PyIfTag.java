package org.mirrorsd.models.chat.jinja;

import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.IfTag;
import com.hubspot.jinjava.tree.TagNode;

/**
 * {@code if}/{@code elif} with Python's truth: jinjava would also call the strings "false" and "False" false, so a
 * message whose text is "false" would vanish from {@code {% if message.content %}}.
 */
final class PyIfTag extends IfTag {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isPositiveIfElseNode(TagNode tagNode, JinjavaInterpreter interpreter) {
        return PyOperators.truthy(interpreter.resolveELExpression(tagNode.getHelpers(), tagNode.getLineNumber(),
                tagNode.getStartPosition()));
    }

    /** The same truth for {@code x if c else y} and everything else the expression language coerces to boolean. */
    static final class Truth extends TruthyTypeConverter {
        private static final long serialVersionUID = 1L;

        @Override
        protected Boolean coerceToBoolean(Object value) { return PyOperators.truthy(value); }
    }
}
