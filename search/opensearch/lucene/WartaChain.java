// Runs an exported Warta analysis chain with Lucene's own classes, the ones OpenSearch's analysis
// module wraps, and prints the terms of each text with their positions.
//
//   java -cp lucene-core.jar:lucene-analyzers-common.jar:. WartaChain CHAIN_FILE < texts > terms
//
// CHAIN_FILE (written by search/opensearch/lucene_check.py from template.json) has one component a
// line, in the analyzer's order, fields separated by tabs:
//   charfilter mapping FILE          FILE: mapping rules as OpenSearch reads them ("a=>b", \\uXXXX)
//   tokenizer  pattern GROUP PATTERN
//   filter     lowercase
//   filter     stop FILE             FILE: one word a line
//   filter     keyword_marker words FILE | keyword_marker pattern PATTERN
//   filter     stemmer_override FILE FILE: "word=>term" rules as OpenSearch reads them
//   filter     stemmer indonesian
//   filter     word_delimiter_graph FLAGS ADJUST_OFFSETS FILE   FILE: type_table rules ("' => ALPHA")
//   filter     flatten_graph
//   filter     remove_duplicates
//   filter     pattern_replace ALL PATTERN REPLACEMENT
// Any other component stops the program: a chain it cannot build exactly is never approximated.
// The rule and word-list parsing follows OpenSearch's factories (MappingCharFilterFactory,
// StemmerOverrideTokenFilterFactory, Analysis.getWordList).
//
// Input: texts as "<byte count>\n<UTF-8 bytes>" records. Output: one line per text, "position:term"
// separated by spaces (terms never hold spaces: the tokenizer's pattern has none).
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.regex.*;

import org.apache.lucene.analysis.*;
import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterIterator;
import org.apache.lucene.analysis.id.IndonesianStemFilter;
import org.apache.lucene.analysis.miscellaneous.PatternKeywordMarkerFilter;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.miscellaneous.SetKeywordMarkerFilter;
import org.apache.lucene.analysis.miscellaneous.StemmerOverrideFilter;
import org.apache.lucene.analysis.pattern.PatternReplaceFilter;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

public class WartaChain {
    interface FilterStep { TokenStream wrap(TokenStream in) throws IOException; }

    static final Pattern MAPPING_RULE = Pattern.compile("(.*)\\s*=>\\s*(.*)\\s*$");

    public static void main(String[] args) throws Exception {
        List<NormalizeCharMap> charMaps = new ArrayList<>();
        Pattern[] tokenPattern = new Pattern[1];
        int[] group = {-1};
        List<FilterStep> steps = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
            if (line.isEmpty()) continue;
            String[] f = line.split("\t", -1);
            String kind = f[0] + " " + f[1];
            switch (kind) {
                case "charfilter mapping": charMaps.add(mappings(f[2])); break;
                case "tokenizer pattern":
                    group[0] = Integer.parseInt(f[2]);
                    tokenPattern[0] = Pattern.compile(f[3]);
                    break;
                case "filter lowercase": steps.add(LowerCaseFilter::new); break;
                case "filter stop": {
                    CharArraySet stops = new CharArraySet(wordList(f[2]), false);
                    steps.add(in -> new StopFilter(in, stops));
                    break;
                }
                case "filter keyword_marker":
                    if (f[2].equals("words")) {
                        CharArraySet words = new CharArraySet(wordList(f[3]), false);
                        steps.add(in -> new SetKeywordMarkerFilter(in, words));
                    } else if (f[2].equals("pattern")) {
                        Pattern pattern = Pattern.compile(f[3]);
                        steps.add(in -> new PatternKeywordMarkerFilter(in, pattern));
                    } else throw new IllegalArgumentException("keyword_marker " + f[2]);
                    break;
                case "filter stemmer_override": {
                    StemmerOverrideFilter.StemmerOverrideMap map = overrides(f[2]);
                    steps.add(in -> new StemmerOverrideFilter(in, map));
                    break;
                }
                case "filter stemmer":
                    if (!f[2].equals("indonesian")) throw new IllegalArgumentException("stemmer " + f[2]);
                    steps.add(IndonesianStemFilter::new);
                    break;
                case "filter word_delimiter_graph": {
                    int flags = Integer.parseInt(f[2]);
                    boolean adjustOffsets = Boolean.parseBoolean(f[3]);
                    byte[] types = typeTable(f[4]);
                    steps.add(in -> new WordDelimiterGraphFilter(in, adjustOffsets, types, flags, null));
                    break;
                }
                case "filter flatten_graph": steps.add(FlattenGraphFilter::new); break;
                case "filter remove_duplicates": steps.add(RemoveDuplicatesTokenFilter::new); break;
                case "filter pattern_replace": {
                    Pattern pattern = Pattern.compile(f[3]);
                    String replacement = f[4];
                    boolean all = Boolean.parseBoolean(f[2]);
                    steps.add(in -> new PatternReplaceFilter(in, pattern, replacement, all));
                    break;
                }
                default: throw new IllegalArgumentException("unknown component: " + line);
            }
        }
        if (tokenPattern[0] == null) throw new IllegalArgumentException("the chain has no tokenizer");
        Analyzer analyzer = new Analyzer() {
            @Override
            protected Reader initReader(String field, Reader reader) {
                for (NormalizeCharMap map : charMaps) reader = new MappingCharFilter(map, reader);
                return reader;
            }

            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer tokenizer = new PatternTokenizer(tokenPattern[0], group[0]);
                TokenStream stream = tokenizer;
                try {
                    for (FilterStep step : steps) stream = step.wrap(stream);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return new TokenStreamComponents(tokenizer, stream);
            }
        };
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false, "UTF-8");
        StringBuilder header = new StringBuilder();
        int c;
        while (true) {
            header.setLength(0);
            while ((c = in.read()) != -1 && c != '\n') header.append((char) c);
            if (c == -1 && header.length() == 0) break;
            byte[] bytes = new byte[Integer.parseInt(header.toString().trim())];
            in.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            StringBuilder terms = new StringBuilder();
            try (TokenStream stream = analyzer.tokenStream("content", text)) {
                CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
                PositionIncrementAttribute increment = stream.addAttribute(PositionIncrementAttribute.class);
                stream.reset();
                int position = -1;
                while (stream.incrementToken()) {
                    position += increment.getPositionIncrement();
                    if (terms.length() > 0) terms.append(' ');
                    terms.append(position).append(':').append(term);
                }
                stream.end();
            }
            out.println(terms);
        }
        out.flush();
    }

    // Analysis.getWordList: blank lines and lines starting with # are skipped, words trimmed.
    static List<String> wordList(String path) throws IOException {
        List<String> words = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(path), StandardCharsets.UTF_8)) {
            if (line.trim().isEmpty() || line.startsWith("#")) continue;
            words.add(line.trim());
        }
        return words;
    }

    // StemmerOverrideTokenFilterFactory.parseRules, with "=>" between a word (or words, by comma)
    // and its stem.
    static StemmerOverrideFilter.StemmerOverrideMap overrides(String path) throws IOException {
        StemmerOverrideFilter.Builder builder = new StemmerOverrideFilter.Builder(false);
        for (String rule : wordList(path)) {
            String[] sides = rule.split("=>", -1);
            if (sides.length != 2) throw new IllegalArgumentException("Invalid Keyword override Rule:" + rule);
            String override = sides[1].trim();
            if (override.isEmpty() || override.indexOf(',') != -1)
                throw new IllegalArgumentException("Invalid Keyword override Rule:" + rule);
            for (String key : sides[0].split(",", -1)) {
                if (key.trim().isEmpty()) throw new IllegalArgumentException("Invalid Keyword override Rule:" + rule);
                builder.add(key.trim(), override);
            }
        }
        return builder.build();
    }

    // WordDelimiterGraphTokenFilterFactory.parseTypes: the default character types, with the rules'
    // single characters given their named type (the type constants are WordDelimiterFilter's, as there).
    static byte[] typeTable(String path) throws IOException {
        SortedMap<Character, Byte> types = new TreeMap<>();
        for (String rule : wordList(path)) {
            Matcher m = MAPPING_RULE.matcher(rule);
            if (!m.find()) throw new IllegalArgumentException("Invalid Mapping Rule : [" + rule + "]");
            String lhs = unescape(m.group(1).trim());
            if (lhs.length() != 1) throw new IllegalArgumentException("Only a single character is allowed: " + rule);
            byte type;
            switch (m.group(2).trim()) {
                case "LOWER": type = (byte) WordDelimiterFilter.LOWER; break;
                case "UPPER": type = (byte) WordDelimiterFilter.UPPER; break;
                case "ALPHA": type = (byte) WordDelimiterFilter.ALPHA; break;
                case "DIGIT": type = (byte) WordDelimiterFilter.DIGIT; break;
                case "ALPHANUM": type = (byte) WordDelimiterFilter.ALPHANUM; break;
                case "SUBWORD_DELIM": type = (byte) WordDelimiterFilter.SUBWORD_DELIM; break;
                default: throw new IllegalArgumentException("unknown type in " + rule);
            }
            types.put(lhs.charAt(0), type);
        }
        byte[] table = new byte[Math.max(types.isEmpty() ? 0 : types.lastKey() + 1,
                                         WordDelimiterIterator.DEFAULT_WORD_DELIM_TABLE.length)];
        for (int i = 0; i < table.length; i++) table[i] = WordDelimiterIterator.getType(i);
        for (Map.Entry<Character, Byte> e : types.entrySet()) table[e.getKey()] = e.getValue();
        return table;
    }

    // MappingCharFilterFactory.parseRules and parseString.
    static NormalizeCharMap mappings(String path) throws IOException {
        NormalizeCharMap.Builder builder = new NormalizeCharMap.Builder();
        for (String rule : wordList(path)) {
            Matcher m = MAPPING_RULE.matcher(rule);
            if (!m.find()) throw new IllegalArgumentException("Invalid Mapping Rule : [" + rule + "]");
            builder.add(unescape(m.group(1)), unescape(m.group(2)));
        }
        return builder.build();
    }

    static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '\\') {
                if (i >= s.length()) throw new IllegalArgumentException("Invalid escaped char in [" + s + "]");
                c = s.charAt(i++);
                switch (c) {
                    case '\\': c = '\\'; break;
                    case '"': c = '"'; break;
                    case 'n': c = '\n'; break;
                    case 't': c = '\t'; break;
                    case 'r': c = '\r'; break;
                    case 'b': c = '\b'; break;
                    case 'f': c = '\f'; break;
                    case 'u':
                        if (i + 3 >= s.length()) throw new IllegalArgumentException("Invalid escaped char in [" + s + "]");
                        c = (char) Integer.parseInt(s.substring(i, i + 4), 16);
                        i += 4;
                        break;
                    default: throw new IllegalArgumentException("Invalid escaped char " + c + " in [" + s + "]");
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
