package org.mailhaven.smtp;

import java.util.List;

import org.apache.james.protocols.api.handler.CommandHandlerResultLogger;
import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.protocols.smtp.core.ExpnCmdHandler;
import org.apache.james.protocols.smtp.core.HelpCmdHandler;
import org.apache.james.protocols.smtp.core.NoopCmdHandler;
import org.apache.james.protocols.smtp.core.PostmasterAbuseRcptHook;
import org.apache.james.protocols.smtp.core.QuitCmdHandler;
import org.apache.james.protocols.smtp.core.RsetCmdHandler;
import org.apache.james.protocols.smtp.core.UnknownCmdHandler;
import org.apache.james.protocols.smtp.core.VrfyCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.StartTlsCmdHandler;
import org.apache.james.protocols.smtp.core.log.HookResultLogger;
import org.apache.james.smtpserver.AddDefaultAttributesMessageHook;
import org.apache.james.smtpserver.AuthRequiredToRelayRcptHook;
import org.apache.james.smtpserver.JamesDataCmdHandler;
import org.apache.james.smtpserver.JamesMailCmdHandler;
import org.apache.james.smtpserver.JamesRcptCmdHandler;
import org.apache.james.smtpserver.SendMailHandler;
import org.apache.james.smtpserver.SenderAuthIdentifyVerificationHook;
import org.apache.james.smtpserver.UsersRepositoryAuthHook;

/**
 * The SMTP protocol of our listeners: James' own command handlers (its
 * {@code CoreCmdHandlerLoader}), with ours where the protocol must behave differently, in the
 * order James runs them (DATA line filters in particular run in this order):
 *
 * <ul>
 * <li>{@link Greeting} instead of James' welcome: connection limits answered with 421;</li>
 * <li>{@link CommandGuard} instead of James' dispatcher: control characters, unknown MAIL/RCPT
 * parameters, error and junk command limits, idle timeout;</li>
 * <li>{@link SmtpAuth} instead of James' AUTH: not on port 25, not before STARTTLS, failed
 * logins slowed and blocked;</li>
 * <li>{@link DataActivity}, first DATA filter: the idle timeout counts message lines;</li>
 * <li>{@link EhloCommand}, {@link HeloCommand} instead of James': the greeting line's bracket closed;</li>
 * <li>{@link SizeLimit} instead of James' SIZE extension: {@code 552 5.3.4};</li>
 * <li>{@link ReceivedField} instead of James' Received field: sanitised values;</li>
 * <li>{@link HeaderLines}: bare CR and NUL in the header section become spaces, a header section
 * over 1 MiB is refused;</li>
 * <li>{@link VerbatimDataHandler} instead of James' end of DATA: the bytes are kept as received.</li>
 * </ul>
 *
 * Named in each {@code <handlerchain coreHandlersPackage="...">} of conf/smtpserver.xml.
 */
public class SmtpCommands implements HandlersPackage {
    private static final List<String> HANDLERS = List.of(
        Greeting.class.getName(),
        CommandGuard.class.getName(),
        SmtpAuth.class.getName(),
        JamesDataCmdHandler.class.getName(),
        EhloCommand.class.getName(),
        ExpnCmdHandler.class.getName(),
        HeloCommand.class.getName(),
        HelpCmdHandler.class.getName(),
        JamesMailCmdHandler.class.getName(),
        NoopCmdHandler.class.getName(),
        QuitCmdHandler.class.getName(),
        JamesRcptCmdHandler.class.getName(),
        RsetCmdHandler.class.getName(),
        VrfyCmdHandler.class.getName(),
        DataActivity.class.getName(),
        SizeLimit.class.getName(),
        UsersRepositoryAuthHook.class.getName(),
        AuthRequiredToRelayRcptHook.class.getName(),
        SenderAuthIdentifyVerificationHook.class.getName(),
        PostmasterAbuseRcptHook.class.getName(),
        ReceivedField.class.getName(),
        HeaderLines.class.getName(),
        VerbatimDataHandler.class.getName(),
        StartTlsCmdHandler.class.getName(),
        AddDefaultAttributesMessageHook.class.getName(),
        SendMailHandler.class.getName(),
        UnknownCmdHandler.class.getName(),
        CommandHandlerResultLogger.class.getName(),
        HookResultLogger.class.getName());

    @Override
    public List<String> getHandlers() {
        return HANDLERS;
    }
}
