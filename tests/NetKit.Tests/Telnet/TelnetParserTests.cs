using System.Text;
using NetKit.Telnet;

namespace NetKit.Tests.Telnet;

// The streaming parser fed whole, byte by byte and in every two-piece split: the events must not change.
public class TelnetParserTests
{
    private const byte IAC = 255;
    private const byte SB = 250;
    private const byte SE = 240;
    private const byte WILL = 251;
    private const byte DO = 253;

    /// <summary>Records events as text lines; consecutive data is merged, as a reader would see it.</summary>
    private sealed class Recorder : ITelnetParserSink
    {
        private readonly List<string> _events = [];
        private readonly List<byte> _data = [];

        public IReadOnlyList<string> Events
        {
            get
            {
                FlushData();
                return _events;
            }
        }

        public void OnData(ReadOnlySpan<byte> data) => _data.AddRange(data.ToArray());

        public void OnCommand(byte command) => Add($"cmd {TelnetNames.Command(command)}");

        public void OnNegotiation(TelnetCommand verb, byte option) => Add($"{verb} {TelnetNames.Option(option)}");

        public void OnSubnegotiation(byte option, ReadOnlySpan<byte> payload) => Add($"sb {TelnetNames.Option(option)} {Convert.ToHexString(payload)}");

        public void OnSubnegotiationDropped(byte option, string reason) => Add($"dropped {TelnetNames.Option(option)}");

        private void Add(string e)
        {
            FlushData();
            _events.Add(e);
        }

        private void FlushData()
        {
            if (_data.Count > 0)
            {
                _events.Add("data " + Convert.ToHexString(_data.ToArray()));
                _data.Clear();
            }
        }
    }

    private static IReadOnlyList<string> Whole(byte[] input, int max = 64)
    {
        var r = new Recorder();
        new TelnetParser(max).Parse(input, r);
        return r.Events;
    }

    private static IReadOnlyList<string> ByteByByte(byte[] input, int max = 64)
    {
        var r = new Recorder();
        var p = new TelnetParser(max);
        foreach (var b in input)
        {
            p.Parse([b], r);
        }

        return r.Events;
    }

    /// <summary>Asserts the same events for the whole input, byte by byte, and every split in two.</summary>
    private static void AssertEvents(byte[] input, params string[] expected)
    {
        Assert.Equal(expected, Whole(input));
        Assert.Equal(expected, ByteByByte(input));
        for (var cut = 1; cut < input.Length; cut++)
        {
            var r = new Recorder();
            var p = new TelnetParser(64);
            p.Parse(input.AsSpan(0, cut), r);
            p.Parse(input.AsSpan(cut), r);
            Assert.Equal(expected, r.Events);
        }
    }

    [Fact]
    public void Parse_iacIac_isOneDataByte255()
    {
        AssertEvents([(byte)'a', IAC, IAC, (byte)'b'], "data 61FF62");
    }

    [Fact]
    public void Parse_negotiationBetweenData_splitsDataAroundIt()
    {
        AssertEvents([(byte)'x', IAC, DO, 1, (byte)'y'], "data 78", "DO ECHO", "data 79");
    }

    [Fact]
    public void Parse_commands_areReportedInOrder()
    {
        AssertEvents([IAC, 246, IAC, 247, IAC, 241], "cmd AYT", "cmd EC", "cmd NOP");
    }

    [Fact]
    public void Parse_crNul_isABareCr()
    {
        AssertEvents([(byte)'a', (byte)'\r', 0, (byte)'b', (byte)'\r', (byte)'\n'], "data 610D620D0A");
    }

    [Fact]
    public void Parse_crNulInBinaryMode_keepsTheNul()
    {
        var r = new Recorder();
        new TelnetParser { BinaryInput = true }.Parse([(byte)'\r', 0], r);
        Assert.Equal(["data 0D00"], r.Events);
    }

    [Fact]
    public void Parse_subnegotiationWithEscapedIac_deliversPayloadUnescaped()
    {
        AssertEvents([IAC, SB, 31, 0, 80, IAC, IAC, 24, IAC, SE, (byte)'z'], "sb NAWS 0050FF18", "data 7A");
    }

    [Fact]
    public void Parse_subnegotiationLongerThanLimit_isDroppedAndParsingGoesOn()
    {
        var input = new List<byte> { IAC, SB, 24 };
        input.AddRange(Enumerable.Repeat((byte)'x', 100_000));
        input.AddRange([IAC, SE, (byte)'o', (byte)'k']);
        Assert.Equal(["dropped TTYPE", "data 6F6B"], Whole([.. input]));
        Assert.Equal(["dropped TTYPE", "data 6F6B"], ByteByByte([.. input]));
    }

    [Fact]
    public void Parse_subnegotiationWithoutSe_endsAtTheNextCommand()
    {
        AssertEvents([IAC, SB, 24, 1, (byte)'a', IAC, WILL, 3, (byte)'d'], "dropped TTYPE", "WILL SGA", "data 64");
    }

    [Fact]
    public void Parse_seOutsideSubnegotiation_isIgnored()
    {
        AssertEvents([(byte)'a', IAC, SE, (byte)'b'], "data 6162");
    }

    [Fact]
    public void Parse_truncatedIacAtEnd_waitsForTheRestAndReportsNothingYet()
    {
        var r = new Recorder();
        var p = new TelnetParser();
        p.Parse([(byte)'a', IAC, DO], r);
        Assert.True(p.InCommand);
        Assert.Equal(["data 61"], r.Events);
        p.Parse([24], r);
        Assert.Equal(["data 61", "DO TTYPE"], r.Events);
    }

    [Fact]
    public void Parse_randomBytes_neverThrowsAndSplitsAgree()
    {
        var random = new Random(854);
        for (var round = 0; round < 200; round++)
        {
            var input = new byte[random.Next(1, 300)];
            random.NextBytes(input);
            // Plenty of IACs, so every state is reached.
            for (var i = 0; i < input.Length; i += random.Next(1, 6))
            {
                input[i] = IAC;
            }

            Assert.Equal(Whole(input), ByteByByte(input));
        }
    }

    [Fact]
    public void Escape_doublesEveryIac()
    {
        Assert.Equal(new byte[] { 1, IAC, IAC, 2, IAC, IAC }, TelnetChannel.Escape([1, IAC, 2, IAC]));
        Assert.Equal("abc"u8.ToArray(), TelnetChannel.Escape(Encoding.ASCII.GetBytes("abc")));
    }
}
