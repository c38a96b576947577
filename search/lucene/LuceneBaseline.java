// The Lucene baseline of `warta eval --compare`: Lucene's IndonesianAnalyzer with BM25, what
// Elasticsearch's and OpenSearch's `indonesian` analyzer runs. Compiled and driven by
// search/lucene_baseline.py; needs only lucene-core and lucene-analyzers-common (Lucene 8).
//
//   java LuceneBaseline index DIR            stdin: one article a line, "id<TAB>title<TAB>content"
//   java LuceneBaseline search DIR DEPTH     stdin: one query a line; stdout: one line per query,
//                                            the best DEPTH ids tab-separated, best first
//
// Fields on stdin and ids on stdout are escaped: backslash, tab, newline and carriage return as
// \\ \t \n \r, so that any archive text and any id travel one line each.
//
// Ranking: BM25Similarity with Lucene's defaults (k1 1.2, b 0.75), title and content as separate
// fields with equal weights, a query that is any of its analysed words in either field, the field
// scores summed: an OpenSearch `multi_match` of type `most_fields` over title and content, and the
// same query shape as Warta's two Whoosh baselines, so the three differ in analysis and engine only.
// No title boost: none of the baselines is tuned, and Warta's own title weight is one of the things
// the comparison is meant to judge.

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.id.IndonesianAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;

public final class LuceneBaseline {
    private static final String[] FIELDS = {"title", "content"};

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("index")) {
            index(args[1]);
        } else if (args.length == 3 && args[0].equals("search")) {
            search(args[1], Integer.parseInt(args[2]));
        } else {
            System.err.println("usage: LuceneBaseline index DIR | search DIR DEPTH");
            System.exit(2);
        }
    }

    private static BufferedReader stdin() {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
    }

    private static void index(String dir) throws IOException {
        IndexWriterConfig config = new IndexWriterConfig(new IndonesianAnalyzer());
        config.setSimilarity(new BM25Similarity());
        config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        config.setRAMBufferSizeMB(128);
        long count = 0;
        try (IndexWriter writer = new IndexWriter(FSDirectory.open(Paths.get(dir)), config);
             BufferedReader in = stdin()) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] parts = line.split("\t", -1);
                if (parts.length != 3) {
                    throw new IOException("line " + (count + 1) + ": expected id<TAB>title<TAB>content");
                }
                Document doc = new Document();
                doc.add(new StoredField("id", unescape(parts[0])));
                doc.add(new TextField("title", unescape(parts[1]), Field.Store.NO));
                doc.add(new TextField("content", unescape(parts[2]), Field.Store.NO));
                writer.addDocument(doc);
                count++;
            }
            writer.forceMerge(1);  // one segment: the same statistics however the input was buffered
            writer.commit();
        }
        System.out.println(count);
    }

    private static void search(String dir, int depth) throws IOException {
        Analyzer analyzer = new IndonesianAnalyzer();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
        try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(Paths.get(dir)));
             BufferedReader in = stdin()) {
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setSimilarity(new BM25Similarity());
            String line;
            while ((line = in.readLine()) != null) {
                List<String> words = analyse(analyzer, unescape(line));
                StringBuilder answer = new StringBuilder();
                if (!words.isEmpty()) {
                    BooleanQuery.Builder query = new BooleanQuery.Builder();
                    for (String word : words) {
                        for (String field : FIELDS) {
                            query.add(new TermQuery(new Term(field, word)), BooleanClause.Occur.SHOULD);
                        }
                    }
                    for (ScoreDoc hit : searcher.search(query.build(), depth).scoreDocs) {
                        if (answer.length() > 0) {
                            answer.append('\t');
                        }
                        answer.append(escape(searcher.doc(hit.doc).get("id")));
                    }
                }
                out.println(answer);
                out.flush();  // the caller waits for each answer before it sends the next query
            }
        }
    }

    private static List<String> analyse(Analyzer analyzer, String text) throws IOException {
        List<String> words = new ArrayList<>();
        try (TokenStream stream = analyzer.tokenStream("content", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            // BooleanQuery's default limit is 1024 clauses, two per word: longer queries are cut.
            while (stream.incrementToken() && words.size() < 512) {
                words.add(term.toString());
            }
            stream.end();
        }
        return words;
    }

    private static String unescape(String text) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder plain = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                plain.append(next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next);
            } else {
                plain.append(c);
            }
        }
        return plain.toString();
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }
}
