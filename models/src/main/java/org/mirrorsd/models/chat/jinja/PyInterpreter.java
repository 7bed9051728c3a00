package org.mirrorsd.models.chat.jinja;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

/** jinjava's interpreter printing {@code {{ x }}} as Python's {@code str(x)} ({@code None}, {@code True}, dicts). */
final class PyInterpreter extends JinjavaInterpreter {

    static final InterpreterFactory FACTORY = new InterpreterFactory() {
        @Override
        public JinjavaInterpreter newInstance(JinjavaInterpreter orig) { return new PyInterpreter(orig); }

        @Override
        public JinjavaInterpreter newInstance(Jinjava application, Context context, JinjavaConfig config) {
            return new PyInterpreter(application, context, config);
        }
    };

    private PyInterpreter(Jinjava application, Context context, JinjavaConfig config) {
        super(application, context, config);
    }

    private PyInterpreter(JinjavaInterpreter orig) { super(orig); }

    @Override
    public String getAsString(Object object) { return PyRepr.str(object); }
}
