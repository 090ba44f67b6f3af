package dev.plasma.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.plasma.identity.AnonymousSyncUserResolver;
import dev.plasma.identity.SpringSecuritySyncUserResolver;
import dev.plasma.identity.SyncUserResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who a sync request runs for: the application's resolver, else Spring Security's authentication, else
 * one anonymous user announced by one WARN line.
 */
@ExtendWith(OutputCaptureExtension.class)
class PlasmaIdentityAutoConfigurationTests {

	private static final String WARNING = "Plasma: neither Spring Security nor a SyncUserResolver bean is present";

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PlasmaIdentityAutoConfiguration.class));

	@Test
	void withSpringSecurityTheUserIsTheAuthenticationsNameAndNothingIsLogged(CapturedOutput output) {
		this.runner.run((context) -> {
			SyncUserResolver resolver = context.getBean(SyncUserResolver.class);
			assertThat(resolver).isInstanceOf(SpringSecuritySyncUserResolver.class);
			try {
				assertThat(resolver.resolve(new MockHttpServletRequest())).isNull();
				SecurityContextHolder.getContext()
					.setAuthentication(new AnonymousAuthenticationToken("key", "anonymousUser",
							AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
				assertThat(resolver.resolve(new MockHttpServletRequest())).isNull();
				SecurityContextHolder.getContext()
					.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", "x",
							AuthorityUtils.createAuthorityList("ROLE_USER")));
				assertThat(resolver.resolve(new MockHttpServletRequest())).isEqualTo("alice");
			}
			finally {
				SecurityContextHolder.clearContext();
			}
		});
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void withoutSpringSecurityEveryRequestRunsAsTheAnonymousUserAnnouncedByOneWarning(CapturedOutput output) {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.security")).run((context) -> {
			SyncUserResolver resolver = context.getBean(SyncUserResolver.class);
			assertThat(resolver).isInstanceOf(AnonymousSyncUserResolver.class);
			assertThat(resolver.resolve(new MockHttpServletRequest())).isEqualTo(SyncUserResolver.ANONYMOUS);
		});
		assertThat(output.toString().split(WARNING, -1)).hasSize(2);
	}

	@Test
	void theApplicationsResolverWinsAndNothingIsLogged(CapturedOutput output) {
		SyncUserResolver own = (request) -> request.getHeader("X-User");
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
			.withBean(SyncUserResolver.class, () -> own)
			.run((context) -> assertThat(context).getBean(SyncUserResolver.class).isSameAs(own));
		this.runner.withBean(SyncUserResolver.class, () -> own)
			.run((context) -> assertThat(context).getBean(SyncUserResolver.class).isSameAs(own));
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void outsideAServletWebApplicationThereIsNoResolver() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PlasmaIdentityAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SyncUserResolver.class));
	}

}
