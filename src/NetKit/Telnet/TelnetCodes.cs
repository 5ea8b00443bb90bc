namespace NetKit.Telnet;

/// <summary>The RFC 854 command bytes that follow IAC.</summary>
public enum TelnetCommand : byte
{
    /// <summary>End of subnegotiation.</summary>
    SE = 240,
    NOP = 241,
    /// <summary>Data mark (the data part of a Synch).</summary>
    DM = 242,
    /// <summary>Break.</summary>
    BRK = 243,
    /// <summary>Interrupt process.</summary>
    IP = 244,
    /// <summary>Abort output.</summary>
    AO = 245,
    /// <summary>Are you there.</summary>
    AYT = 246,
    /// <summary>Erase character.</summary>
    EC = 247,
    /// <summary>Erase line.</summary>
    EL = 248,
    /// <summary>Go ahead.</summary>
    GA = 249,
    /// <summary>Start of subnegotiation.</summary>
    SB = 250,
    WILL = 251,
    WONT = 252,
    DO = 253,
    DONT = 254,
    IAC = 255,
}

/// <summary>Telnet options by their assigned numbers; any other byte is an option too, just not one we name.</summary>
public enum TelnetOption : byte
{
    /// <summary>RFC 856.</summary>
    Binary = 0,
    /// <summary>RFC 857.</summary>
    Echo = 1,
    /// <summary>RFC 858: suppress go-ahead.</summary>
    SuppressGoAhead = 3,
    /// <summary>RFC 859.</summary>
    Status = 5,
    /// <summary>RFC 860.</summary>
    TimingMark = 6,
    /// <summary>RFC 1091.</summary>
    TerminalType = 24,
    /// <summary>RFC 1073: negotiate about window size.</summary>
    WindowSize = 31,
    /// <summary>RFC 1079.</summary>
    TerminalSpeed = 32,
    /// <summary>RFC 1372.</summary>
    RemoteFlowControl = 33,
    /// <summary>RFC 1184.</summary>
    Linemode = 34,
    /// <summary>RFC 1096.</summary>
    XDisplayLocation = 35,
    /// <summary>RFC 1408 (obsolete).</summary>
    OldEnvironment = 36,
    /// <summary>RFC 2941.</summary>
    Authentication = 37,
    /// <summary>RFC 2946.</summary>
    Encrypt = 38,
    /// <summary>RFC 1572.</summary>
    NewEnvironment = 39,
}

/// <summary>Which end an option is about: our side (WILL/WONT we send, DO/DONT we get) or the peer's.</summary>
public enum TelnetSide
{
    /// <summary>We perform the option (we said WILL and heard DO).</summary>
    Local,
    /// <summary>The peer performs the option (we said DO and heard WILL).</summary>
    Remote,
}

/// <summary>Names for trace lines: <c>IAC DO ECHO</c>.</summary>
public static class TelnetNames
{
    public static string Command(byte command) =>
        Enum.IsDefined((TelnetCommand)command) ? ((TelnetCommand)command).ToString() : command.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Option(byte option) => (TelnetOption)option switch
    {
        TelnetOption.Binary => "BINARY",
        TelnetOption.Echo => "ECHO",
        TelnetOption.SuppressGoAhead => "SGA",
        TelnetOption.Status => "STATUS",
        TelnetOption.TimingMark => "TIMING-MARK",
        TelnetOption.TerminalType => "TTYPE",
        TelnetOption.WindowSize => "NAWS",
        TelnetOption.TerminalSpeed => "TSPEED",
        TelnetOption.RemoteFlowControl => "LFLOW",
        TelnetOption.Linemode => "LINEMODE",
        TelnetOption.XDisplayLocation => "XDISPLOC",
        TelnetOption.OldEnvironment => "OLD-ENVIRON",
        TelnetOption.Authentication => "AUTHENTICATION",
        TelnetOption.Encrypt => "ENCRYPT",
        TelnetOption.NewEnvironment => "NEW-ENVIRON",
        _ => option.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
