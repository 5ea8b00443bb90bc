using NetKit.Net;
using NetKit.Telnet;
using NetKit.Tests.Support;
using NetKit.Tests.Telnet;
using static NetKit.Tests.Hostile.Hostile;

namespace NetKit.Tests.Hostile;

/// <summary>
/// Two Telnet servers with the NetKit console: an open one, and a guarded one (login alice / secret).
/// The console echoes what is typed and answers with text, not codes, so a Telnet case's expected
/// lines are texts that must arrive in that order, each after the one before.
/// </summary>
public sealed class TelnetHostileServer : IAsyncLifetime
{
    public TelnetHarness Open { get; private set; } = null!;

    public TelnetHarness Guarded { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Open = TelnetHarness.Start();
        Guarded = TelnetHarness.Start(new TelnetServerOptions
        {
            Login = (user, password, _) => Task.FromResult(user == "alice" && password == "secret"),
        });
        return Task.CompletedTask;
    }

    /// <summary>Our client on each server: logs in where it must and has a line reversed.</summary>
    public async Task NormalClientsAsync()
    {
        await using (var client = await Open.ConnectToPromptAsync())
        {
            await client.WriteLineAsync("reverse fine");
            await client.ReadUntilAsync("enif", TelnetHarness.Wait);
        }

        await using (var client = await Guarded.ConnectAsync())
        {
            await client.ReadUntilAsync("login: ", TelnetHarness.Wait);
            await client.WriteLineAsync("alice");
            await client.ReadUntilAsync("Password: ", TelnetHarness.Wait);
            await client.WriteLineAsync("secret");
            await client.ExpectAsync([TelnetHarness.Prompt], TelnetHarness.Wait);
            await client.WriteLineAsync("reverse guarded");
            await client.ReadUntilAsync("dedraug", TelnetHarness.Wait);
        }
    }

    public async Task DisposeAsync()
    {
        await Open.DisposeAsync();
        await Guarded.DisposeAsync();
    }
}

public sealed class TelnetHostileTests(TelnetHostileServer server)
    : HostileTests<TelnetHostileTests, HostileCase>, IHostileCases<HostileCase>, IClassFixture<TelnetHostileServer>
{
    private const string Iac = "\u00ff";
    private const string Prompt = "netkit> ";
    private const string LoginPrompt = "login: ";

    /// <summary>Cases whose name starts with "login:" run against the guarded server, from its login prompt.</summary>
    public static IReadOnlyDictionary<string, HostileCase> Cases { get; } = new HostileCases()
        .Open("overlong line is cut at the limit", Say("reverse xy" + new string('a', 3000) + "\r\n", new string('a', 1014) + "yx"))
        .Open("NUL inside a command is not text", Say("rev\0erse ab\r\n", "ba\r\n"))
        .Open("invalid UTF-8 is replaced", Say("reverse x\u00c3(y\r\n", "y(\uFFFDx"))
        .Open("CR NUL ends a line (RFC 854)", Say("reverse cd\r\0", "dc\r\n"))
        .Open("bare LF ends a line", Say("reverse ef\n", "fe\r\n"))
        .Open("IAC IAC is data byte 255", Say("reverse g" + Iac + Iac + "h\r\n", "h\uFFFDg"))
        .Open("backspace erases a character", Say("reverse ijX\u007f\r\n", "ji\r\n"))
        .Open("Ctrl-U kills the line", Say("garbage\u0015reverse kl\r\n", "lk\r\n"))
        .Open("Ctrl-C abandons the line", Say("rm -rf /\u0003", Prompt), Say("reverse mn\r\n", "nm\r\n"))
        .Open("an escape sequence's ESC is not text", Say("\u001b[Areverse op\r\n", "unknown command \"[areverse\"; try help"))
        .Open("an overlong unknown verb is answered shortened", Say(new string('v', 900) + "\r\n", "; try help"))
        .Open("DO an option that does not exist", Say(Iac + "\u00fd\u00c8reverse st\r\n", "ts\r\n"))
        .Open("a NAWS subnegotiation too short", Say(Iac + "\u00fb\u001f" + Iac + "\u00fa\u001f\u0001" + Iac + "\u00f0reverse uv\r\n", "vu\r\n"))
        .Open("a terminal type of 5000 bytes", Say(Iac + "\u00fa\u0018\u0000" + new string('T', 5000) + Iac + "\u00f0reverse wx\r\n", "xw\r\n"))
        .Open("SE without SB", Say(Iac + "\u00f0reverse yz\r\n", "zy\r\n"))
        .Open("IAC followed by a byte that is no command", Say(Iac + "Areverse 12\r\n", "21\r\n"))
        .Open("a flood of negotiation for LINEMODE", Say(Repeat(5000, Iac + "\u00fb\"" + Iac + "\u00fc\"") + "reverse 56\r\n", "65\r\n"))
        .Open("Ctrl-D on an empty line is not end of file", Say("\u0004\u0004\u0004\r\n", Prompt))
        .Open("8-bit noise without line ends", Say(new string('\u00e9', 600) + "\r\n", "; try help"))
        .Open("combining characters reverse as one", Say(Utf8("reverse e\u0301a\r\n"), "a" + "e\u0301" + "\r\n"))
        .Open("pipelined flood of 500 commands", Say(Repeat(500, "reverse abc\r\n"), Times(500, "cba\r\n")))
        .Open("a pasted screenful of help", Say(Repeat(300, "help\r\n"), Times(300, "commands: help, status, reverse TEXT, users, mailboxes, quit")))
        .Closed("quit ends the session", Say("quit\r\n", "bye\r\n"))
        .Closed("EXIT in capitals ends the session", Say("EXIT\r\n", "bye\r\n"))
        .Open("login: unknown user", Say("nobody\r\n", "Password: "), Say("secret\r\n", "Login incorrect", LoginPrompt))
        .Open("login: overlong user name", Say(new string('u', 5000) + "\r\n", "Password: "), Say("secret\r\n", "Login incorrect", LoginPrompt))
        .Open("login: NUL in the password", Say("alice\r\n", "Password: "), Say("sec\0ret\r\n", Prompt))
        .Open("login: commands before login are user names", Say("status\r\n", "Password: "), Say("x\r\n", "Login incorrect", LoginPrompt))
        .Closed("login: password guessing is cut off",
            Say("alice\r\n", "Password: "), Say("guess1\r\n", "Login incorrect", LoginPrompt),
            Say("alice\r\n", "Password: "), Say("guess2\r\n", "Login incorrect", LoginPrompt),
            Say("alice\r\n", "Password: "), Say("guess3\r\n", "Too many failed logins; goodbye."))
        .Open("login: right after two wrong", Say("alice\r\nguess1\r\n", "Login incorrect", LoginPrompt), Say("alice\r\nsecret\r\n", Prompt));

    protected override async Task RunAsync(HostileCase hostile)
    {
        var guarded = hostile.Name.StartsWith("login:", StringComparison.Ordinal);
        using (var client = await RawLineClient.ConnectAsync((guarded ? server.Guarded : server.Open).Port))
        {
            await client.ReadUntilAsync(guarded ? LoginPrompt : Prompt);
            foreach (var step in hostile.Steps)
            {
                await client.SendAsync(step.Send);
                foreach (var expected in step.Expect)
                {
                    await client.ReadUntilAsync(expected);
                }
            }

            if (hostile.Closes)
            {
                await client.ReadToEndAsync();
            }
            else
            {
                await client.SendAsync(guarded ? "alice\r\nsecret\r\nreverse probe\r\n" : "reverse probe\r\n");
                await client.ReadUntilAsync("eborp");
            }
        }

        await server.NormalClientsAsync();
    }
}
