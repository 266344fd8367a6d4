using System;
using System.Collections.Generic;

namespace CowPages.Decoding;

/// <summary>Parses the whole text of <c>/proc/PID/maps</c> into VMAs, line by line with <see cref="MapsLineParser"/>.</summary>
public static class MapsParser
{
    /// <summary>Parses the whole text of a maps file. The path and PID only label errors.</summary>
    /// <exception cref="ProcfsException">A line is malformed; the message gives its number.</exception>
    public static List<MemoryMapping> Parse(ReadOnlySpan<byte> text, string path, int? processId)
    {
        var mappings = new List<MemoryMapping>();
        int lineNumber = 0;
        while (!text.IsEmpty)
        {
            lineNumber++;
            int newline = text.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? text : text[..newline];
            text = newline < 0 ? ReadOnlySpan<byte>.Empty : text[(newline + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }
            try
            {
                mappings.Add(MapsLineParser.Parse(line, mappings.Count > 0 ? mappings[^1] : null));
            }
            catch (FormatException e)
            {
                throw ProcfsException.Malformed(path, processId, $"line {lineNumber}: {e.Message}");
            }
        }
        return mappings;
    }
}
