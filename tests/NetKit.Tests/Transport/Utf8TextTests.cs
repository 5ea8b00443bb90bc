using NetKit.Transport;

namespace NetKit.Tests.Transport;

public class Utf8TextTests
{
    [Theory]
    [InlineData(new byte[] { }, false)]
    [InlineData(new byte[] { 0x41 }, false)]
    [InlineData(new byte[] { 0xD0 }, true)]                    // П cut after its lead byte
    [InlineData(new byte[] { 0xD0, 0x9F }, false)]
    [InlineData(new byte[] { 0xE2, 0x82 }, true)]              // € cut
    [InlineData(new byte[] { 0xE2, 0x82, 0xAC }, false)]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x87 }, true)]        // a regional indicator cut
    [InlineData(new byte[] { 0xF0, 0x9F, 0x87, 0xAE }, false)]
    [InlineData(new byte[] { 0x41, 0xFF }, false)]             // invalid, but not "unfinished"
    public void EndsInsideSequence_findsUnfinishedCharacters(byte[] bytes, bool expected) =>
        Assert.Equal(expected, Utf8Text.EndsInsideSequence(bytes));
}
