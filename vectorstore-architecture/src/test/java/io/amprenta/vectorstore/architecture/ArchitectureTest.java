package io.amprenta.vectorstore.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.PackageMatcher;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries ARCHITECTURE.md describes ("Modules and boundaries"), checked on the compiled main classes of every
 * module, so that a change which crosses one fails the build instead of waiting for a reviewer to notice.
 */
class ArchitectureTest {

    private static final String ROOT = "io.amprenta.vectorstore";
    // The API's user-facing packages refer to each other because the fixed entry points require it: VectorStores (root)
    // finds spi.VectorStoreProvider, whose create() returns the root's VectorStore; Query holds a filter.Filter, whose
    // parse errors are the root's InvalidFilterException. Their shared machinery (internal) serves both sides. These
    // four packages of vectorstore-api are one slice; every other package, in every module, forms a DAG.
    private static final List<String> API_SLICE = List.of(ROOT, ROOT + ".filter", ROOT + ".spi", ROOT + ".internal");
    private static final String INTERNAL = "..internal..";

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void theRulesSeeEveryModule() {
        // A rule over too few classes passes for the wrong reason; these packages come from eleven different modules.
        Stream.of(ROOT, ROOT + ".pgvector", ROOT + ".pinecone", ROOT + ".migration", ROOT + ".micrometer",
                        ROOT + ".testkit.conformance", ROOT + ".testkit.pinecone", ROOT + ".testkit.postgres",
                        ROOT + ".langchain4j", ROOT + ".springai", ROOT + ".cli", ROOT + ".examples")
                .forEach(name -> {
                    if (!classes.containPackage(name)) {
                        throw new AssertionError("the architecture rules did not import package " + name);
                    }
                });
    }

    @Test
    void noPackageCycles() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String name = javaClass.getPackageName();
                return SliceIdentifier.of(API_SLICE.contains(name) ? "the API (root, filter, spi, internal)" : name);
            }

            @Override
            public String getDescription() {
                return "packages, the API's four core packages counted as one";
            }
        }).should().beFreeOfCycles().check(classes);
    }

    @Test
    void noPublicSignatureExposesAnInternalType() {
        methods().that().areDeclaredInClassesThat().resideOutsideOfPackage(INTERNAL)
                .and().areDeclaredInClassesThat().arePublic()
                .and().arePublic().or().areProtected()
                .should(new ArchCondition<JavaCodeUnit>("not mention an internal type in their signature") {
                    @Override
                    public void check(JavaCodeUnit method, ConditionEvents events) {
                        Stream.concat(Stream.of(method.getRawReturnType()), method.getRawParameterTypes().stream())
                                .filter(type -> PackageMatcher.of(INTERNAL).matches(type.getPackageName()))
                                .forEach(type -> events.add(SimpleConditionEvent.violated(method,
                                        method.getFullName() + " exposes " + type.getName())));
                    }
                }).allowEmptyShould(false).check(classes);
    }

    @Test
    void theExamplesUseOnlyWhatUsersCan() {
        noClasses().that().resideInAPackage(ROOT + ".examples..")
                .should().dependOnClassesThat().resideInAPackage(INTERNAL)
                .because("the examples stand in for users, who get no compatibility promise from internal packages")
                .check(classes);
    }

    @Test
    void theApiKnowsNoBackendAndBackendsKnowNeitherEachOtherNorTheTools() {
        String[] api = {ROOT, ROOT + ".filter", ROOT + ".spi", ROOT + ".internal", ROOT + ".memory", ROOT + ".dualwrite",
            ROOT + ".observe"};
        noClasses().that().resideInAnyPackage(api)
                .should().dependOnClassesThat(outside(api))
                .because("the API finds backends through ServiceLoader and must not depend on any of them")
                .check(classes);
        noClasses().that().resideInAPackage(ROOT + ".pgvector..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".pinecone..", ROOT + ".migration..",
                        ROOT + ".cli..", ROOT + ".cutover..")
                .check(classes);
        noClasses().that().resideInAPackage(ROOT + ".pinecone..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".pgvector..", ROOT + ".migration..",
                        ROOT + ".cli..", ROOT + ".cutover..")
                .check(classes);
        noClasses().that().resideInAPackage(ROOT + ".migration..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".cli..", ROOT + ".cutover..")
                .because("the migration engine is embeddable: the command line uses it, never the other way")
                .check(classes);
    }

    @Test
    void theTestArtifactsNeedNoBackend() {
        noClasses().that().resideInAPackage(ROOT + ".testkit..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".pgvector..", ROOT + ".pinecone..",
                        ROOT + ".migration..")
                .because("users test their own code with the kit, the emulator and the harness without a backend")
                .check(classes);
    }

    private static DescribedPredicate<JavaClass> outside(String... packages) {
        return DescribedPredicate.describe("classes of vectorstore outside the API's packages",
                javaClass -> javaClass.getPackageName().startsWith(ROOT)
                        && !List.of(packages).contains(javaClass.getPackageName()));
    }
}
